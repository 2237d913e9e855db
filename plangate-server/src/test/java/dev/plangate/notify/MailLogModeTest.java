package dev.plangate.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;

/** The embedded default: mail goes to the log, its text to the outbox endpoint only. */
@FreshSchema
@ExtendWith(OutputCaptureExtension.class)
class MailLogModeTest extends ServerTest {

	private static final Duration WAIT = Duration.ofSeconds(15);

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "mail_log");
		registry.add("test.mail.transport", () -> "log");
	}

	@Autowired
	private MailOutbox outbox;

	@Autowired
	private MailRepository repository;

	@Test
	void logNamesIdRecipientAndSubjectButNeverTheText(CapturedOutput output) {
		// given
		var token = "tok-" + UUID.randomUUID();

		// when
		var id = outbox.send(new Mail("newcomer@example.com", "Verify your email",
				"Open http://localhost:8080/verify?token=" + token));

		// then
		Awaitility.await()
			.atMost(WAIT)
			.until(() -> "sent".equals(api.get("/v1/admin/mail-outbox/" + id).body().path("status").asString()));
		assertThat(output.getAll()).contains(id.toString(), "newcomer@example.com", "Verify your email")
			.doesNotContain(token);
	}

	@Test
	void outboxShowsTheTextOfOneMailAndAuditsThatItWasRead() {
		// given
		var id = outbox.send(new Mail("reader@example.com", "Reset your password", "Your code: 424242"));
		Awaitility.await()
			.atMost(WAIT)
			.until(() -> "sent".equals(api.get("/v1/admin/mail-outbox/" + id).body().path("status").asString()));

		// when
		var view = api.get("/v1/admin/mail-outbox/" + id);
		var list = api.get("/v1/admin/mail-outbox?to=reader@example.com");

		// then
		assertThat(view.body().path("text").asString()).isEqualTo("Your code: 424242");
		assertThat(list.body().path("data").get(0).path("text").isMissingNode()).isTrue();
		var audit = api.get("/v1/admin/audit-events?targetType=mail&targetId=" + id);
		assertThat(audit.body().path("data").get(0).path("action").asString()).isEqualTo("mail.text_read");
	}

	@Test
	void outboxShowsTheHtmlOfAMailBesideItsText() {
		// given
		var html = "<!DOCTYPE html><html><body><p>Your code: <b>424243</b></p></body></html>";
		var id = outbox.send(new Mail("rich-reader@example.com", "Your code", "Your code: 424243", html));
		Awaitility.await()
			.atMost(WAIT)
			.until(() -> "sent".equals(api.get("/v1/admin/mail-outbox/" + id).body().path("status").asString()));

		// when
		var view = api.get("/v1/admin/mail-outbox/" + id);
		var list = api.get("/v1/admin/mail-outbox?to=rich-reader@example.com");

		// then
		assertThat(view.body().path("text").asString()).isEqualTo("Your code: 424243");
		assertThat(view.body().path("html").asString()).isEqualTo(html);
		assertThat(list.body().path("data").get(0).path("html").isMissingNode()).isTrue();
	}

	@Test
	void plainTextMailHasNoHtmlInTheOutbox() {
		// given
		var id = outbox.send(new Mail("plain-reader@example.com", "Plain", "Only text"));

		// when
		var view = api.get("/v1/admin/mail-outbox/" + id);

		// then
		assertThat(view.body().path("text").asString()).isEqualTo("Only text");
		assertThat(view.body().path("html").isMissingNode()).isTrue();
	}

	@Test
	void mailOlderThanTheRetentionIsPurged() {
		// given
		var id = outbox.send(new Mail("old@example.com", "Old", "old text"));
		Awaitility.await()
			.atMost(WAIT)
			.until(() -> "sent".equals(api.get("/v1/admin/mail-outbox/" + id).body().path("status").asString()));

		// when: purged as a day and an hour later, with the default retention of a day
		repository.purge(Instant.now().plus(Duration.ofHours(25)).minus(Duration.ofHours(24)));

		// then
		assertThat(api.get("/v1/admin/mail-outbox/" + id).status()).isEqualTo(404);
	}

}

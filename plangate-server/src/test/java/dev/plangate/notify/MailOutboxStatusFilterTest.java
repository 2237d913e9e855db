package dev.plangate.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;

/** {@code GET /v1/admin/mail-outbox?status=…}: the outbox by status. */
class MailOutboxStatusFilterTest extends ServerTest {

	@Autowired
	private MailOutbox outbox;

	@Test
	void listsTheMailsOfOneStatus() {
		// given
		var to = TestMail.uniqueAddress("outbox-status");
		var id = outbox.send(new Mail(to, "Status filter", "Hello"));
		Awaitility.await()
			.atMost(Duration.ofSeconds(15))
			.until(() -> "sent".equals(api.get("/v1/admin/mail-outbox/" + id).body().path("status").asString()));

		// when
		var sent = api.get("/v1/admin/mail-outbox?status=sent&to=" + to);
		var pending = api.get("/v1/admin/mail-outbox?status=pending&to=" + to);
		var failed = api.get("/v1/admin/mail-outbox?status=failed&to=" + to);

		// then
		assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
		assertThat(sent.body().path("data").size()).isEqualTo(1);
		assertThat(sent.body().path("data").get(0).path("id").asString()).isEqualTo(id.toString());
		assertThat(pending.body().path("data").size()).isZero();
		assertThat(failed.body().path("data").size()).isZero();
	}

	@Test
	void anUnknownStatusIsABadRequestNamingIt() {
		// when
		var unknown = api.get("/v1/admin/mail-outbox?status=bounced");
		var upper = api.get("/v1/admin/mail-outbox?status=SENT");

		// then
		for (var refused : java.util.List.of(unknown, upper)) {
			assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
			assertThat(refused.code()).isEqualTo("invalid_request");
			assertThat(refused.body().path("errors").get(0).path("field").asString()).isEqualTo("status");
			assertThat(refused.body().path("errors").get(0).path("message").asString())
				.isEqualTo("must be 'pending', 'sending', 'sent' or 'failed'");
		}
	}

}

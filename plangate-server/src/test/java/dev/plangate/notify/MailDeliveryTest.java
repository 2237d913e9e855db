package dev.plangate.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.support.Race;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Multipart;

/** Mail through the shared test server, over SMTP to {@link TestMail}. */
class MailDeliveryTest extends ServerTest {

	private static final Duration WAIT = Duration.ofSeconds(15);

	private static final SecondNode secondNode = new SecondNode();

	@Autowired
	private MailOutbox outbox;

	@Autowired
	private TransactionTemplate transactions;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private MeterRegistry meters;

	@Autowired
	private Environment environment;

	@Autowired
	private MailDispatcher dispatcher;

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	@Test
	void sentMailArrivesWithFromToSubjectAndTextAndItsTextIsErased() {
		// given
		var to = TestMail.uniqueAddress("welcome");
		double sentBefore = meters.counter("plangate.mail.sent").count();

		// when
		var id = transactions.execute(status -> outbox
			.send(new Mail(to, "Verify your email", "Hello,\n\nopen https://example.com/v/tok-1 to verify.")));

		// then
		var received = TestMail.awaitMessageTo(to, WAIT);
		assertThat(received.from()).isEqualTo("Plangate <no-reply@localhost>");
		assertThat(received.to()).containsExactly(to);
		assertThat(received.subject()).isEqualTo("Verify your email");
		assertThat(received.text()).isEqualTo("Hello,\n\nopen https://example.com/v/tok-1 to verify.");
		assertThat(received.mailId()).isEqualTo(id.toString());
		Awaitility.await()
			.atMost(WAIT)
			.until(() -> "sent".equals(api.get("/v1/admin/mail-outbox/" + id).body().path("status").asString()));
		var view = api.get("/v1/admin/mail-outbox/" + id).body();
		assertThat(view.path("to").asString()).isEqualTo(to);
		assertThat(view.path("attempts").asInt()).isEqualTo(1);
		assertThat(view.path("text").isMissingNode()).isTrue();
		assertThat(storedText(id)).isNull();
		assertThat(meters.counter("plangate.mail.sent").count()).isGreaterThan(sentBefore);
	}

	@Test
	void mailWithHtmlArrivesAsMultipartAlternativeOfTextThenHtmlAndBothAreErased() throws Exception {
		// given
		var to = TestMail.uniqueAddress("rich");
		var html = "<!DOCTYPE html><html><body><p>Open <a href=\"https://example.com/v/tok-2\">this</a></p></body></html>";

		// when
		var id = outbox.send(new Mail(to, "Verify your email", "Open https://example.com/v/tok-2", html));

		// then
		var received = TestMail.awaitMessageTo(to, WAIT);
		assertThat(received.contentType()).startsWith("multipart/alternative");
		assertThat(received.text()).isEqualTo("Open https://example.com/v/tok-2");
		assertThat(received.html()).isEqualTo(html);
		var parts = (Multipart) TestMail.server().getReceivedMessagesForDomain(to)[0].getContent();
		assertThat(parts.getCount()).isEqualTo(2);
		assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain").containsIgnoringCase("UTF-8");
		assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html").containsIgnoringCase("UTF-8");
		Awaitility.await()
			.atMost(WAIT)
			.until(() -> "sent".equals(api.get("/v1/admin/mail-outbox/" + id).body().path("status").asString()));
		assertThat(api.get("/v1/admin/mail-outbox/" + id).body().path("html").isMissingNode()).isTrue();
		assertThat(storedHtml(id)).isNull();
	}

	@Test
	void plainTextMailArrivesAsTextPlain() {
		// given
		var to = TestMail.uniqueAddress("plain");

		// when
		outbox.send(new Mail(to, "Plain", "Only text"));

		// then
		var received = TestMail.awaitMessageTo(to, WAIT);
		assertThat(received.contentType()).startsWith("text/plain");
		assertThat(received.html()).isNull();
	}

	@Test
	void mailOfARolledBackTransactionIsNeverSent() {
		// given
		var to = TestMail.uniqueAddress("rolled-back");

		// when
		var id = transactions.execute(status -> {
			var queued = outbox.send(new Mail(to, "Never", "Never sent"));
			status.setRollbackOnly();
			return queued;
		});

		// then
		assertThat(api.get("/v1/admin/mail-outbox/" + id).status()).isEqualTo(404);
		var control = TestMail.uniqueAddress("control");
		outbox.send(new Mail(control, "Control", "Sent after"));
		TestMail.awaitMessageTo(control, WAIT);
		assertThat(TestMail.messagesTo(to)).isEmpty();
	}

	@Test
	void listsNewestFirstByRecipientInPages() {
		// given
		var to = TestMail.uniqueAddress("paged");
		var first = outbox.send(new Mail(to, "One", "1"));
		var second = outbox.send(new Mail(to, "Two", "2"));
		var third = outbox.send(new Mail(to, "Three", "3"));
		outbox.send(new Mail(TestMail.uniqueAddress("other"), "Other", "x"));

		// when
		var page = api.get("/v1/admin/mail-outbox?limit=2&to=" + to);
		var cursor = page.body().path("nextCursor").asString();
		var next = api.get("/v1/admin/mail-outbox?limit=2&to=" + to + "&cursor=" + cursor);

		// then
		assertThat(page.status()).as(page.toString()).isEqualTo(200);
		assertThat(page.body().path("data").valueStream().map(m -> m.path("id").asString()))
			.containsExactly(third.toString(), second.toString());
		assertThat(page.body().path("data").get(0).path("text").isMissingNode()).isTrue();
		assertThat(next.body().path("data").valueStream().map(m -> m.path("id").asString()))
			.containsExactly(first.toString());
		assertThat(next.body().path("nextCursor").isMissingNode()).isTrue();
	}

	@Test
	void outboxRefusesUnknownIdsBadParametersAndCallersWithoutAKey() {
		// when / then
		var unknown = api.get("/v1/admin/mail-outbox/" + UUID.randomUUID());
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.code()).isEqualTo("mail_not_found");
		for (var bad : List.of("/v1/admin/mail-outbox/not-a-uuid", "/v1/admin/mail-outbox?limit=0",
				"/v1/admin/mail-outbox?limit=201", "/v1/admin/mail-outbox?limit=many", "/v1/admin/mail-outbox?cursor=0",
				"/v1/admin/mail-outbox?cursor=abc", "/v1/admin/mail-outbox?to=")) {
			var response = api.get(bad);
			assertThat(response.status()).as(bad + " → " + response).isEqualTo(400);
			assertThat(response.header("Content-Type")).as(bad).startsWith("application/problem+json");
		}
		assertThat(anonymous.get("/v1/admin/mail-outbox").status()).isEqualTo(401);
		assertThat(anonymous.get("/v1/admin/mail-outbox/" + UUID.randomUUID()).status()).isEqualTo(401);
	}

	@Test
	void twoNodesOnOneDatabaseNeverSendOneMailTwice() throws Exception {
		// given: a second node on the same database, and mail due for both
		secondNode.startLike(environment);
		var here = dispatcher;
		var there = secondNode.bean(MailDispatcher.class);
		var addresses = new ArrayList<String>();
		var ids = transactions.execute(status -> {
			var queued = new ArrayList<UUID>();
			for (int i = 0; i < 40; i++) {
				var to = TestMail.uniqueAddress("race" + i);
				addresses.add(to);
				queued.add(outbox.send(new Mail(to, "Race " + i, "Only once " + i)));
			}
			return queued;
		});

		// when: both nodes claim at once, from several threads each, besides their own
		// loops
		var rounds = new ArrayList<Callable<Integer>>();
		for (int i = 0; i < 4; i++) {
			rounds.add(() -> drain(here));
			rounds.add(() -> drain(there));
		}
		Race.run(rounds);

		// then: every mail arrived once, and was claimed once
		for (var to : addresses) {
			TestMail.awaitMessageTo(to, WAIT);
		}
		Awaitility.await()
			.atMost(WAIT)
			.until(() -> jdbc.sql("select count(*) from mail_outbox where id in (:ids) and status = 'sent'")
				.param("ids", ids)
				.query(Long.class)
				.single() == 40);
		Thread.sleep(500);
		var mailIds = new HashSet<String>();
		for (var to : addresses) {
			var received = TestMail.messagesTo(to);
			assertThat(received).as(to).hasSize(1);
			mailIds.add(received.get(0).mailId());
		}
		assertThat(mailIds).hasSize(40);
		assertThat(jdbc.sql("select max(attempts) from mail_outbox where id in (:ids)")
			.param("ids", ids)
			.query(Integer.class)
			.single()).isEqualTo(1);
	}

	private static int drain(MailDispatcher dispatcher) {
		int sent = 0;
		for (int round = 0; round < 20; round++) {
			sent += dispatcher.sendDue();
		}
		return sent;
	}

	private @Nullable String storedHtml(UUID id) {
		return jdbc.sql("select html from mail_outbox where id = :id")
			.param("id", id)
			.query((rs, n) -> rs.getString("html"))
			.list()
			.get(0);
	}

	private @Nullable String storedText(UUID id) {
		return jdbc.sql("select body from mail_outbox where id = :id")
			.param("id", id)
			.query((rs, n) -> rs.getString("body"))
			.list()
			.get(0);
	}

}

package dev.plangate.notify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

/**
 * A mail server that is down, or hangs: a server of its own, on a database of its own,
 * sending to a port this test controls, with 1-second SMTP timeouts and at most 6
 * attempts.
 */
@FreshSchema
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MailFaultsTest extends ServerTest {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int PORT = freePort();

	private static @Nullable BlackHole blackHole;

	private static @Nullable GreenMail smtp;

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "mail_faults");
		registry.add("test.mail.port", () -> PORT);
		registry.add("spring.mail.properties[mail.smtp.connectiontimeout]", () -> "1000");
		registry.add("spring.mail.properties[mail.smtp.timeout]", () -> "1000");
		registry.add("spring.mail.properties[mail.smtp.writetimeout]", () -> "1000");
		registry.add("plangate.mail.max-attempts", () -> "6");
		registry.add("plangate.mail.retry-base", () -> "100ms");
		registry.add("plangate.mail.retry-max", () -> "500ms");
	}

	@Autowired
	private MailOutbox outbox;

	@Autowired
	private TransactionTemplate transactions;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private MeterRegistry meters;

	@AfterAll
	static void stopServers() throws IOException {
		if (blackHole != null) {
			blackHole.close();
		}
		if (smtp != null) {
			smtp.stop();
		}
	}

	@Test
	@Order(1)
	void mailIsMarkedFailedWithItsLastErrorAfterTheLastAttempt() {
		// given: nothing listens on the mail server's port
		var failedBefore = meters.counter("plangate.mail.failed").count();

		// when
		var id = outbox.send(new Mail("nobody@example.com", "Reset your password", "token tok-failed-1"));

		// then
		var view = awaitStatus(id, "failed");
		assertThat(view.path("attempts").asInt()).isEqualTo(6);
		assertThat(view.path("lastError").asString()).contains("127.0.0.1").doesNotContain("tok-failed-1");
		assertThat(view.path("failedAt").isMissingNode()).isFalse();
		assertThat(storedText(id)).isNull();
		assertThat(meters.counter("plangate.mail.failed").count()).isEqualTo(failedBefore + 1);
	}

	@Test
	@Order(2)
	void enqueueAnswersAtOnceWhileTheServerHangsAndTheMailArrivesOnceItIsBack() throws Exception {
		// given: a mail server that accepts connections and never answers
		blackHole = new BlackHole(PORT);
		var retriedBefore = meters.counter("plangate.mail.retried").count();

		// when
		long started = System.nanoTime();
		var id = transactions.execute(status -> outbox.send(new Mail("back@example.com", "Welcome", "Hello again")));
		var took = Duration.ofNanos(System.nanoTime() - started);

		// then: queued at once, tried and retried in the background
		assertThat(took).isLessThan(Duration.ofMillis(500));
		Awaitility.await().atMost(WAIT).until(() -> mail(id).path("attempts").asInt() >= 2);
		assertThat(mail(id).path("status").asString()).isIn("pending", "sending");
		assertThat(blackHole.connections()).isNotEmpty();

		// when: the mail server is back
		blackHole.close();
		var server = startMailServerOn(PORT);
		smtp = server;

		// then
		var view = awaitStatus(id, "sent");
		assertThat(view.path("attempts").asInt()).isBetween(2, 6);
		assertThat(view.path("lastError").asString()).isNotEmpty();
		Awaitility.await().atMost(WAIT).until(() -> server.getReceivedMessagesForDomain("back@example.com").length > 0);
		assertThat(server.getReceivedMessagesForDomain("back@example.com")).hasSize(1);
		assertThat(meters.counter("plangate.mail.retried").count()).isGreaterThan(retriedBefore);
	}

	private JsonNode awaitStatus(UUID id, String status) {
		Awaitility.await().atMost(WAIT).until(() -> status.equals(mail(id).path("status").asString()));
		return mail(id);
	}

	private JsonNode mail(UUID id) {
		var response = api.get("/v1/admin/mail-outbox/" + id);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private @Nullable String storedText(UUID id) {
		return jdbc.sql("select body from mail_outbox where id = :id")
			.param("id", id)
			.query((rs, n) -> rs.getString("body"))
			.list()
			.get(0);
	}

	private static int freePort() {
		try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/** Accepts connections and says nothing, like a mail server that hangs. */
	/**
	 * A mail server on the port the black hole held: the port can stay taken for a moment
	 * after the black hole closed its connections, so binding is tried again for a while.
	 */
	private static GreenMail startMailServerOn(int port) throws InterruptedException {
		var deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (true) {
			var server = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
			try {
				server.start();
				return server;
			}
			catch (IllegalStateException ex) {
				server.stop();
				if (System.nanoTime() > deadline) {
					throw ex;
				}
				Thread.sleep(500);
			}
		}
	}

	private static final class BlackHole implements AutoCloseable {

		private final ServerSocket socket;

		private final List<Socket> accepted = new CopyOnWriteArrayList<>();

		BlackHole(int port) throws IOException {
			socket = new ServerSocket();
			socket.setReuseAddress(true);
			socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
			var thread = new Thread(() -> {
				while (!socket.isClosed()) {
					try {
						accepted.add(socket.accept());
					}
					catch (IOException ex) {
						return;
					}
				}
			}, "black-hole-smtp");
			thread.setDaemon(true);
			thread.start();
		}

		List<Socket> connections() {
			return accepted;
		}

		@Override
		public void close() throws IOException {
			socket.close();
			for (var connection : accepted) {
				connection.close();
			}
		}

	}

}

package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;

/**
 * A live stream's connection, as a client sees it on the wire: the headers and a first
 * line come at once, before there is any event to send, and a client going away is
 * ordinary, not an error to log.
 */
@FreshSchema
@ExtendWith(OutputCaptureExtension.class)
class BatchLiveConnectionTest extends ServerTest {

	/** Past any event number: a stream resuming after it has nothing to send yet. */
	private static final long FAR_AHEAD = 1_000_000_000L;

	@Autowired
	private BatchEventStream stream;

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "batch_live_connection");
	}

	private String submitBatch(String customer, String region) {
		var response = api.post("/v1/batches", Api.json(Map.of("customerId", customer, "region", region, "operations",
				List.of(Map.of("type", "health_check")))));
		assertThat(response.status()).as(response.toString()).isEqualTo(202);
		return response.body().path("id").asString();
	}

	private String customerToken(String customer) {
		var response = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.body().path("token").asString();
	}

	/** Asks for {@code path} as an event stream on a connection of its own. */
	private Socket open(String path, String credential) throws IOException {
		var socket = new Socket("localhost", port);
		var request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + credential
				+ "\r\nAccept: text/event-stream\r\n\r\n";
		socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
		socket.getOutputStream().flush();
		return socket;
	}

	/**
	 * What the server sent until {@code marker} came, or {@code within} passed (then what
	 * came until then).
	 */
	private static String readUntil(Socket socket, String marker, Duration within) throws IOException {
		InputStream in = socket.getInputStream();
		var received = new StringBuilder();
		long until = System.nanoTime() + within.toNanos();
		var buffer = new byte[1024];
		while (!received.toString().contains(marker)) {
			long left = Duration.ofNanos(until - System.nanoTime()).toMillis();
			if (left <= 0) {
				break;
			}
			socket.setSoTimeout((int) left);
			try {
				int n = in.read(buffer);
				if (n < 0) {
					break;
				}
				received.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
			}
			catch (SocketTimeoutException ex) {
				break;
			}
		}
		return received.toString();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "a batch's", "a customer's", "my batch's", "all my batches'" })
	void aStreamWithNothingToSendYetSendsItsHeadersAndAFirstLineAtOnce(String which) throws IOException {
		// given
		var customer = newCustomer("connect");
		var batchId = submitBatch(customer, "live-connect");
		var path = switch (which) {
			case "a batch's" -> "/v1/batches/" + batchId + "/events?customerId=" + Api.encode(customer);
			case "a customer's" -> "/v1/batches/events?customerId=" + Api.encode(customer);
			case "my batch's" -> "/v1/me/batches/" + batchId + "/events?";
			default -> "/v1/me/batches/events?";
		};
		var credential = which.startsWith("my") || which.startsWith("all my") ? customerToken(customer) : api.key();
		// the same path as a JSON page first, so that the time measured is the stream's,
		// not that of the first request of its kind warming the server up
		var page = api.withKey(credential).get(path + "&after=" + FAR_AHEAD);
		assertThat(page.status()).as(page.toString()).isEqualTo(200);

		// when
		try (var socket = open(path + "&after=" + FAR_AHEAD, credential)) {
			var received = readUntil(socket, ":connected", Duration.ofSeconds(1));

			// then
			assertThat(received).as("what came within a second").startsWith("HTTP/1.1 200");
			assertThat(received.toLowerCase()).contains("content-type: text/event-stream");
			assertThat(received).contains(":connected");
		}
	}

	@Test
	void aClientLeavingAStreamLeavesNoErrorInTheLog(CapturedOutput output) throws IOException {
		// given: a client following a customer's events
		var customer = newCustomer("leaving");
		int before = stream.subscribers();
		var socket = open("/v1/batches/events?customerId=" + Api.encode(customer), api.key());
		assertThat(readUntil(socket, ":connected", Duration.ofSeconds(5))).contains(":connected");
		assertThat(stream.subscribers()).isEqualTo(before + 1);

		// when: it goes away (reset, as a closed browser tab), and then the stream has
		// events to send
		socket.setSoLinger(true, 0);
		socket.close();
		submitBatch(customer, "live-leaving");
		submitBatch(customer, "live-leaving");

		// then: the stream ends, quietly
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(50))
			.until(() -> stream.subscribers() == before);
		// what the end of the request makes the server do comes a moment after
		Awaitility.await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
		assertThat(output.getAll()).doesNotContain(" ERROR ")
			.doesNotContain("Exception")
			.doesNotContainPattern("\\n\\s+at [a-z]");
	}

}

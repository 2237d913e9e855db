package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.Scrape;
import dev.plangate.support.ServerTest;

/**
 * {@code plangate_live_connections} counts this node's live batch event streams by
 * transport.
 */
class LiveConnectionsMetricTest extends ServerTest {

	private double live(String transport) {
		return Scrape.of(api).sum("plangate_live_connections", Map.of("transport", transport));
	}

	@Test
	void anOpenStreamIsCountedUnderItsTransport() throws Exception {
		// given
		var customer = newCustomer("live-metric");
		double sse = settled("sse");
		double websocket = settled("websocket");

		// when a client follows the customer's batches over Server-Sent Events
		try (var socket = new Socket("localhost", port)) {
			var request = "GET /v1/batches/events?customerId=" + Api.encode(customer)
					+ " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + api.key()
					+ "\r\nAccept: text/event-stream\r\n\r\n";
			socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
			socket.getOutputStream().flush();

			// then it is counted as one more SSE stream
			awaitLive("sse", sse + 1);

			// and when another follows them over a WebSocket, as one more WebSocket
			var closed = new AtomicReference<String>();
			var ws = HttpClient.newHttpClient()
				.newWebSocketBuilder()
				.header("Authorization", "Bearer " + api.key())
				.buildAsync(URI
					.create("ws://localhost:" + port + "/v1/batches/events/live?customerId=" + Api.encode(customer)),
						new WebSocket.Listener() {
							@Override
							public CompletionStage<?> onClose(WebSocket socket, int status, String reason) {
								closed.set(status + " " + reason);
								return null;
							}

							@Override
							public void onError(WebSocket socket, Throwable error) {
								closed.set(error.toString());
							}
						})
				.get(10, TimeUnit.SECONDS);
			Awaitility.await()
				.atMost(Duration.ofSeconds(10))
				.pollInterval(Duration.ofMillis(100))
				.untilAsserted(() -> assertThat(live("websocket")).as("closed by the server: %s", closed.get())
					.isEqualTo(websocket + 1));
			assertThat(live("sse")).isEqualTo(sse + 1);
			ws.sendClose(WebSocket.NORMAL_CLOSURE, "done");
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * The count once it has held still for a second: streams of earlier tests may still
	 * be closing, and each that closes during the test would hide the one it opens.
	 */
	private double settled(String transport) throws InterruptedException {
		double before = live(transport);
		for (int i = 0; i < 30; i++) {
			Thread.sleep(1000);
			double now = live(transport);
			if (now == before) {
				return now;
			}
			before = now;
		}
		return before;
	}

	private void awaitLive(String transport, double expected) {
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(live(transport)).isEqualTo(expected));
	}

}

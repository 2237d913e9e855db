package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Batch events followed live, over Server-Sent Events and WebSocket: what happened before
 * the subscriber came, then each new event once, in order; and the queue's metrics.
 */
@FreshSchema
class BatchLiveEventsTest extends ServerTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final HttpClient http = HttpClient.newHttpClient();

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "batch_live");
	}

	private JsonNode submit(String customer, String region) {
		var response = api.post("/v1/batches", """
				{"customerId":"%s","region":"%s","operations":[{"type":"health_check"},{"type":"health_check"}]}"""
			.formatted(customer, region));
		assertThat(response.status()).as(response.toString()).isEqualTo(202);
		return response.body();
	}

	/** Takes every operation of a region and completes it. */
	private void work(String region) {
		var taken = api.post("/v1/worker/poll",
				"{\"workerId\":\"w\",\"regions\":[\"" + region + "\"],\"max\":10,\"waitSeconds\":2}");
		for (var task : taken.body().path("operations")) {
			var done = api.post("/v1/worker/operations/" + task.path("id").asString() + "/complete",
					"{\"workerId\":\"w\"}");
			assertThat(done.status()).as(done.toString()).isEqualTo(204);
		}
	}

	/** Reads SSE events until {@code last} arrives; answers their types in order. */
	private List<String> followSse(String path, String last, List<Long> seqs) throws Exception {
		var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.header("Authorization", "Bearer " + api.key())
			.header("Accept", "text/event-stream")
			.timeout(Duration.ofSeconds(20))
			.build();
		var response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
		var types = new ArrayList<String>();
		try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				if (line.startsWith("id:")) {
					seqs.add(Long.parseLong(line.substring(3).strip()));
				}
				if (line.startsWith("event:")) {
					types.add(line.substring(6).strip());
					if (types.get(types.size() - 1).equals(last)) {
						return types;
					}
				}
			}
		}
		return types;
	}

	@Test
	void sseSendsWhatHappenedBeforeThenEachNewEventOnceInOrder() throws Exception {
		// given
		var customer = newCustomer("live");
		var batch = submit(customer, "live-1");
		var seqs = new ArrayList<Long>();

		// when
		var reader = new CompletableFuture<List<String>>();
		var thread = new Thread(() -> {
			try {
				reader.complete(followSse(
						"/v1/batches/" + batch.path("id").asString() + "/events?customerId=" + Api.encode(customer),
						"batch.completed", seqs));
			}
			catch (Exception ex) {
				reader.completeExceptionally(ex);
			}
		});
		thread.start();
		Thread.sleep(500);
		work("live-1");
		var types = reader.get(20, TimeUnit.SECONDS);

		// then
		assertThat(types).startsWith("batch.queued", "batch.processing").endsWith("batch.completed");
		assertThat(types).filteredOn("operation.completed"::equals).hasSize(2);
		assertThat(seqs).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void sseResumesAfterLastEventId() throws Exception {
		// given
		var customer = newCustomer("live");
		var batch = submit(customer, "live-2");
		work("live-2");
		var path = "/v1/batches/" + batch.path("id").asString() + "/events?customerId=" + Api.encode(customer);
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> api.get(path).body().path("data").size() >= 2);
		var all = api.get(path).body().path("data");
		long second = all.get(1).path("seq").asLong();

		// when
		var seqs = new ArrayList<Long>();
		var types = followSse("/v1/batches/" + batch.path("id").asString() + "/events?customerId="
				+ Api.encode(customer) + "&after=" + second, "batch.completed", seqs);

		// then
		assertThat(seqs).allMatch(seq -> seq > second);
		assertThat(types).doesNotContain("batch.queued", "batch.processing").endsWith("batch.completed");
	}

	@Test
	void aStreamOfAnotherCustomersBatchAnswers404() {
		// given
		var owner = newCustomer("live");
		var other = newCustomer("live");
		var batch = submit(owner, "live-3");

		// when
		var response = api.send("GET",
				"/v1/batches/" + batch.path("id").asString() + "/events?customerId=" + Api.encode(other), null,
				Map.of("Accept", "text/event-stream"));

		// then
		assertThat(response.status()).isEqualTo(404);
	}

	@Test
	void aWebSocketFollowsAllOfACustomersBatches() throws Exception {
		// given
		var customer = newCustomer("live");
		BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
		var socket = http.newWebSocketBuilder()
			.header("Authorization", "Bearer " + api.key())
			.buildAsync(
					URI.create("ws://localhost:" + port + "/v1/batches/events/live?customerId=" + Api.encode(customer)),
					new WebSocket.Listener() {
						private final StringBuilder text = new StringBuilder();

						@Override
						public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
							text.append(data);
							if (last) {
								received.add(JSON.readTree(text.toString()));
								text.setLength(0);
							}
							ws.request(1);
							return null;
						}
					})
			.get(10, TimeUnit.SECONDS);

		// when
		var first = submit(customer, "live-4");
		var second = submit(customer, "live-4");
		work("live-4");

		// then
		var batchesCompleted = new ArrayList<String>();
		long lastSeq = 0;
		while (batchesCompleted.size() < 2) {
			var event = received.poll(10, TimeUnit.SECONDS);
			assertThat(event).as("an event within 10 s").isNotNull();
			assertThat(event.path("seq").asLong()).isGreaterThan(lastSeq);
			lastSeq = event.path("seq").asLong();
			if (event.path("type").asString().equals("batch.completed")) {
				batchesCompleted.add(event.path("batchId").asString());
			}
		}
		assertThat(batchesCompleted).containsExactlyInAnyOrder(first.path("id").asString(),
				second.path("id").asString());
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
	}

	@Test
	void aRequestThatIsNoWebSocketHandshakeIsRefusedAsAProblem() {
		// when
		var plain = api.get("/v1/batches/events/live?customerId=someone");
		var posted = api.post("/v1/batches/events/live?customerId=someone", null);

		// then
		assertThat(plain.status()).isEqualTo(400);
		assertThat(plain.header("Content-Type")).startsWith("application/problem+json");
		assertThat(plain.code()).isEqualTo("invalid_request");
		assertThat(plain.body().path("detail").asString()).contains("Upgrade: websocket");
		assertThat(posted.status()).isEqualTo(405);
		assertThat(posted.code()).isEqualTo("method_not_allowed");
	}

	@Test
	void aWebSocketWithoutAKeyIsRefused() {
		// when
		var attempt = http.newWebSocketBuilder()
			.buildAsync(URI.create("ws://localhost:" + port + "/v1/batches/events/live?customerId=someone"),
					new WebSocket.Listener() {
					});

		// then
		assertThat(attempt).failsWithin(Duration.ofSeconds(10));
	}

	@Test
	void theQueuesFiguresAreShownAndExported() {
		// given
		var customer = newCustomer("live");
		submit(customer, "live-5");
		work("live-5");

		// when
		var stats = api.get("/v1/admin/batches/stats");
		var prometheus = api.get("/actuator/prometheus");

		// then
		assertThat(stats.status()).as(stats.toString()).isEqualTo(200);
		assertThat(stats.body().path("attemptsOnThisNode").path("succeeded").asLong()).isGreaterThanOrEqualTo(2);
		assertThat(stats.body().path("activeWorkers").asInt()).isGreaterThanOrEqualTo(1);
		assertThat(stats.body().path("queueWaitMillis").path("count").asDouble()).isGreaterThanOrEqualTo(1);
		assertThat(prometheus.text()).contains("plangate_batches{", "plangate_batch_operations_total{",
				"plangate_batch_queue_wait_seconds", "plangate_batch_workers_active");
	}

}

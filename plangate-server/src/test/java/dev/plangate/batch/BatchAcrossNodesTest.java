package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
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

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.SecondNode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two nodes on one database and one Redis: a subscriber on one node follows, live, in
 * order and with no gap, a batch submitted on the other, and a worker waiting on one node
 * is handed work made ready on the other at once. The nodes read the event table only
 * once a minute here, so what arrives within seconds was brought by the event bus.
 */
@FreshSchema
@EnabledIfEnvironmentVariable(named = "PLANGATE_REDIS_URL", matches = ".+",
		disabledReason = "nodes wake each other through Redis pub/sub; without PLANGATE_REDIS_URL each node has a bus of its own")
class BatchAcrossNodesTest extends BatchTestSupport {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final SecondNode secondNode = new SecondNode();

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		configure(registry, "batch_across_nodes", null,
				Map.of("system-concurrency", "100", "tick", "100ms", "events-poll", "60s"));
	}

	@Autowired
	private Environment environment;

	private final HttpClient http = HttpClient.newHttpClient();

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	private Api nodeTwo() {
		return secondNode.startLike(environment).api(api.key());
	}

	private JsonNode submitOn(Api node, String customer, String region, int operations) {
		var response = submitting(node, Api.json(batch(customer, region, operations(operations))));
		assertThat(response.status()).as(response.toString()).isEqualTo(202);
		return response.body();
	}

	/**
	 * Takes the region's operations on {@code pollOn}, reports progress on the first node
	 * and completes them on {@code completeOn}.
	 */
	private void work(Api pollOn, Api completeOn, String region, int operations) {
		int done = 0;
		long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (done < operations && System.nanoTime() < until) {
			for (var task : poll(pollOn, "w", List.of(region), null, 10, 5)) {
				var beat = api.post(operationPath(task, "heartbeat"),
						Api.json(Map.of("workerId", "w", "progress", 50, "message", "half way")));
				assertThat(beat.status()).as(beat.toString()).isEqualTo(200);
				var response = completing(completeOn, "w", task);
				assertThat(response.status()).as(response.toString()).isEqualTo(204);
				done++;
			}
		}
		assertThat(done).as("operations completed").isEqualTo(operations);
	}

	/** SSE events from {@code node} until one of type {@code last} (at most 30 s). */
	private CompletableFuture<List<JsonNode>> followSse(Api node, String path, String last) {
		var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + portOf(node) + path))
			.header("Authorization", "Bearer " + api.key())
			.header("Accept", "text/event-stream")
			.timeout(Duration.ofSeconds(30))
			.build();
		return http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).thenApplyAsync(response -> {
			assertThat(response.statusCode()).isEqualTo(200);
			var events = new ArrayList<JsonNode>();
			try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					if (line.startsWith("data:")) {
						var event = JSON.readTree(line.substring(5));
						events.add(event);
						if (event.path("type").asString().equals(last)) {
							return events;
						}
					}
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return events;
		});
	}

	private int portOf(Api node) {
		return node == api ? port : secondNode.port();
	}

	/** A WebSocket to {@code node}; every message it gets goes to {@code received}. */
	private WebSocket webSocket(Api node, String query, BlockingQueue<JsonNode> received,
			CompletableFuture<String> closed) throws Exception {
		return http.newWebSocketBuilder()
			.header("Authorization", "Bearer " + api.key())
			.buildAsync(URI.create("ws://127.0.0.1:" + portOf(node) + "/v1/batches/events/live?" + query),
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

						@Override
						public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
							closed.complete(status + " " + reason);
							return null;
						}
					})
			.get(10, TimeUnit.SECONDS);
	}

	private static List<Long> eventSeqs(List<JsonNode> events) {
		return events.stream().map(e -> e.path("seq").asLong()).toList();
	}

	@Test
	void anSseSubscriberOnOneNodeGetsEveryEventOfABatchSubmittedOnTheOtherInOrder() throws Exception {
		// given: a batch submitted on the first node, followed on the second
		var nodeTwo = nodeTwo();
		var customer = customerOn("free");
		var batch = submitOn(api, customer, "nodes-sse", 3);
		var followed = followSse(nodeTwo, eventsPath(batch), "batch.completed");

		// when: a worker polling the second node runs it, reporting on both
		work(nodeTwo, api, "nodes-sse", 3);

		// then
		var live = followed.get(30, TimeUnit.SECONDS);
		var table = events(batch);
		assertThat(eventSeqs(live)).isEqualTo(eventSeqs(table));
		assertThat(live.stream().map(e -> e.path("type").asString()).toList())
			.startsWith("batch.queued", "batch.processing")
			.contains("operation.started", "operation.progress", "operation.completed")
			.endsWith("batch.completed");
	}

	@Test
	void aWebSocketOnOneNodeGetsEveryEventOfACustomersBatchesMadeOnTheOther() throws Exception {
		// given: a subscriber to all of a customer's batches, on the second node
		var nodeTwo = nodeTwo();
		var customer = customerOn("free");
		BlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
		var socket = webSocket(nodeTwo, "customerId=" + Api.encode(customer), received, new CompletableFuture<>());

		// when: a batch submitted on the first node, taken on the second, completed on
		// the first
		var batch = submitOn(api, customer, "nodes-ws", 2);
		work(nodeTwo, api, "nodes-ws", 2);

		// then: every event, in order, within seconds (the table is read once a minute)
		var live = new ArrayList<JsonNode>();
		while (live.isEmpty() || !live.get(live.size() - 1).path("type").asString().equals("batch.completed")) {
			var event = received.poll(10, TimeUnit.SECONDS);
			assertThat(event).as("an event within 10 s, after " + live).isNotNull();
			live.add(event);
		}
		assertThat(eventSeqs(live)).isEqualTo(eventSeqs(events(batch)));
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
	}

	@Test
	void aWorkerWaitingOnOneNodeIsHandedAnOperationSubmittedOnTheOtherAtOnce() throws Exception {
		// given: a worker waiting up to 30 s on the second node
		var nodeTwo = nodeTwo();
		var signal = secondNode.bean(ReadySignal.class);
		var customer = customerOn("free");
		long before = signal.operationsVersion();
		var waiting = CompletableFuture.supplyAsync(() -> {
			long started = System.nanoTime();
			var taken = poll(nodeTwo, "w", List.of("nodes-poll"), null, 1, 30);
			return Map.entry(taken, Duration.ofNanos(System.nanoTime() - started));
		});
		Thread.sleep(1000);

		// when
		submitOn(api, customer, "nodes-poll", 1);

		// then: handed well before its wait is over, the second node having been woken
		var answer = waiting.get(30, TimeUnit.SECONDS);
		assertThat(answer.getKey()).hasSize(1);
		assertThat(answer.getValue()).isLessThan(Duration.ofSeconds(10));
		eventually().until(() -> signal.operationsVersion() > before);
	}

	@Test
	void aSubscriberOfOneCustomerIsRefusedAnothersBatchAndHearsNoneOfItsEvents() throws Exception {
		// given: another customer's batch, on the first node
		var nodeTwo = nodeTwo();
		var customer = customerOn("free");
		var stranger = customerOn("free");
		var theirs = submitOn(api, stranger, "nodes-private", 1);
		var asCustomer = "/v1/batches/" + theirs.path("id").asString() + "/events?customerId=" + Api.encode(customer);

		// when
		var sse = nodeTwo.send("GET", asCustomer, null, Map.of("Accept", "text/event-stream"));
		var page = nodeTwo.get(asCustomer);
		BlockingQueue<JsonNode> refusedEvents = new LinkedBlockingQueue<>();
		var refused = new CompletableFuture<String>();
		webSocket(nodeTwo, "customerId=" + Api.encode(customer) + "&batchId=" + theirs.path("id").asString(),
				refusedEvents, refused);
		BlockingQueue<JsonNode> mine = new LinkedBlockingQueue<>();
		var socket = webSocket(nodeTwo, "customerId=" + Api.encode(customer), mine, new CompletableFuture<>());
		work(api, api, "nodes-private", 1);
		awaitStatus(theirs, "completed");
		var own = submitOn(api, customer, "nodes-private-own", 1);

		// then
		assertThat(sse.status()).as(sse.toString()).isEqualTo(404);
		assertThat(sse.code()).isEqualTo("batch_not_found");
		assertProblem(page, 404, "batch_not_found");
		assertThat(refused.get(10, TimeUnit.SECONDS)).isEqualTo("1008 batch_not_found");
		// the customer's own event comes; the stranger's, written before it, never did
		var first = mine.poll(10, TimeUnit.SECONDS);
		assertThat(first).isNotNull();
		assertThat(first.path("batchId").asString()).isEqualTo(own.path("id").asString());
		assertThat(refusedEvents).isEmpty();
		socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
	}

}

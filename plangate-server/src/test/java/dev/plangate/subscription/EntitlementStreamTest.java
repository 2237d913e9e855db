package dev.plangate.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET /v1/entitlements/stream}: which customers' entitlements changed, resumable,
 * with keep-alives, and its refusals.
 */
class EntitlementStreamTest extends ServerTest {

	static final JsonMapper JSON = JsonMapper.builder().build();

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		registry.add("plangate.subscriptions.stream-keep-alive", () -> "300ms");
	}

	private final HttpClient http = HttpClient.newHttpClient();

	private final java.util.List<SseFollower> followers = new java.util.ArrayList<>();

	@AfterEach
	void close() {
		followers.forEach(SseFollower::close);
	}

	/** An SSE event: its id (null when none), name and data. */
	record Event(@Nullable String id, String name, JsonNode data) {
	}

	/** Reads a stream's events into a queue on a thread of its own. */
	static final class SseFollower implements AutoCloseable {

		final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

		final HttpResponse<java.io.InputStream> response;

		private final Thread reader;

		SseFollower(HttpClient http, int port, String key, @Nullable String lastEventId) throws Exception {
			var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/entitlements/stream"))
				.header("Authorization", "Bearer " + key)
				.header("Accept", "text/event-stream");
			if (lastEventId != null) {
				request.header("Last-Event-ID", lastEventId);
			}
			response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
			reader = new Thread(this::read);
			reader.setDaemon(true);
			reader.start();
		}

		private void read() {
			try (var lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				String id = null;
				String name = null;
				String data = null;
				String line;
				while ((line = lines.readLine()) != null) {
					if (line.isEmpty()) {
						if (name != null && data != null) {
							events.add(new Event(id, name, JSON.readTree(data)));
						}
						id = null;
						name = null;
						data = null;
					}
					else if (line.startsWith("id:")) {
						id = line.substring(3).trim();
					}
					else if (line.startsWith("event:")) {
						name = line.substring(6).trim();
					}
					else if (line.startsWith("data:")) {
						data = line.substring(5);
					}
				}
			}
			catch (IOException ex) {
				// closed
			}
		}

		/** The next event other than a ping, within {@code seconds}. */
		Event next(int seconds) throws InterruptedException {
			long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
			while (System.nanoTime() < until) {
				var event = events.poll(100, TimeUnit.MILLISECONDS);
				if (event != null && !event.name().equals("ping")) {
					return event;
				}
			}
			throw new AssertionError("no event within " + seconds + " s");
		}

		/** The next event about {@code customerId}, skipping others'. */
		Event nextFor(String customerId, int seconds) throws InterruptedException {
			while (true) {
				var event = next(seconds);
				if (customerId.equals(event.data().path("customerId").asString(null))) {
					return event;
				}
			}
		}

		@Override
		public void close() {
			reader.interrupt();
			try {
				response.body().close();
			}
			catch (IOException ex) {
				// closed
			}
		}

	}

	SseFollower follow(@Nullable String lastEventId) throws Exception {
		var follower = new SseFollower(http, port, api.key(), lastEventId);
		followers.add(follower);
		assertThat(follower.response.statusCode()).isEqualTo(200);
		assertThat(follower.response.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
		return follower;
	}

	@Test
	void tellsWhichCustomersEntitlementsChangedAsTheyChange() throws Exception {
		// given
		var customer = newCustomer("stream");
		var stream = follow(null);
		var ready = stream.next(5);
		assertThat(ready.name()).isEqualTo("ready");
		assertThat(ready.data().path("resumed").asBoolean()).isFalse();

		// when: an override, a plan change, a suspension, a reactivation, an override
		// removed and a deletion
		assertThat(api.put("/v1/customers/" + customer + "/overrides/sso", "{\"value\":true}").status()).isEqualTo(200);
		assertThat(api.post("/v1/customers/" + customer + "/subscription", "{\"plan\":\"pro\"}").status())
			.isEqualTo(200);
		assertThat(api.post("/v1/customers/" + customer + "/suspend", null).status()).isEqualTo(200);
		assertThat(api.post("/v1/customers/" + customer + "/activate", null).status()).isEqualTo(200);
		assertThat(api.delete("/v1/customers/" + customer + "/overrides/sso").status()).isEqualTo(204);
		assertThat(api.delete("/v1/customers/" + customer).status()).isEqualTo(200);

		// then: each told in order, each with a number above the last
		long last = Long.parseLong(ready.id());
		var reasons = new java.util.ArrayList<String>();
		while (!reasons.contains("customer.deleted")) {
			var event = stream.nextFor(customer, 10);
			assertThat(event.name()).isEqualTo("entitlements.changed");
			assertThat(Long.parseLong(event.id())).isGreaterThan(last);
			last = Long.parseLong(event.id());
			reasons.add(event.data().path("reason").asString());
		}
		assertThat(reasons).containsSubsequence("override.set", "subscription.changed", "customer.suspended",
				"customer.reactivated", "override.removed", "customer.deleted");
	}

	@Test
	void aCatalogEditConcernsEveryCustomer() throws Exception {
		var stream = follow(null);
		assertThat(stream.next(5).name()).isEqualTo("ready");

		var key = uniqueKey("streamed");
		var created = api.post("/v1/admin/plans", Api.json(Map.of("key", key, "name", "Streamed", "price", 100,
				"interval", "month", "entitlements", Map.of("sso", true))));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);

		Event event;
		do {
			event = stream.next(10);
		}
		while (!event.name().equals("catalog.changed"));
		assertThat(event.data().has("customerId") && !event.data().get("customerId").isNull()).isFalse();
	}

	@Test
	void resumesAfterTheLastEventItGotReplayingWhatItMissedBeforeReadyAndSendsKeepAlives() throws Exception {
		// given: a stream that saw one change, then was cut
		var customer = newCustomer("resume");
		var first = follow(null);
		first.next(5);
		api.put("/v1/customers/" + customer + "/overrides/sso", "{\"value\":true}");
		var seen = first.nextFor(customer, 10);
		first.close();

		// when: changes made while it was away, then it resumes
		api.post("/v1/customers/" + customer + "/suspend", null);
		var resumed = follow(seen.id());

		// then: what was missed first, then ready, so a client is current once told so
		var missed = resumed.nextFor(customer, 10);
		assertThat(missed.data().path("reason").asString()).isEqualTo("customer.suspended");
		assertThat(Long.parseLong(missed.id())).isGreaterThan(Long.parseLong(seen.id()));
		Event ready;
		do {
			ready = resumed.next(5);
		}
		while (!ready.name().equals("ready"));
		assertThat(Long.parseLong(ready.id())).isGreaterThanOrEqualTo(Long.parseLong(missed.id()));
		assertThat(ready.data().path("resumed").asBoolean()).isTrue();
		var ping = resumed.events.poll(3, TimeUnit.SECONDS);
		while (ping != null && !ping.name().equals("ping")) {
			ping = resumed.events.poll(3, TimeUnit.SECONDS);
		}
		assertThat(ping).as("a ping within 3 s of quiet (keep-alive 300ms)").isNotNull();
		assertThat(ping.id()).isNull();
	}

	@Test
	void anUnknownResumePointGetsAReset() throws Exception {
		var stream = follow("999999999999");
		var reset = stream.next(5);
		assertThat(reset.name()).isEqualTo("reset");
		assertThat(reset.data().path("reason").asString()).isEqualTo("unknown_position");
		assertThat(Long.parseLong(reset.id())).isLessThan(999999999999L);

		// and it follows on from there
		var customer = newCustomer("after-reset");
		api.post("/v1/customers/" + customer + "/suspend", null);
		assertThat(stream.nextFor(customer, 10).name()).isEqualTo("entitlements.changed");
	}

	@Test
	void refusesBadResumePointsOtherCredentialsAndOtherMediaTypes() throws Exception {
		var sse = new LinkedHashMap<String, String>();
		sse.put("Accept", "text/event-stream");

		var notANumber = api.send("GET", "/v1/entitlements/stream", null,
				Map.of("Accept", "text/event-stream", "Last-Event-ID", "abc"));
		assertThat(notANumber.status()).as(notANumber.toString()).isEqualTo(400);
		assertThat(notANumber.header("Content-Type")).startsWith("application/problem+json");

		var negative = api.send("GET", "/v1/entitlements/stream?after=-1", null, sse);
		assertThat(negative.status()).as(negative.toString()).isEqualTo(400);

		var noKey = anonymous.send("GET", "/v1/entitlements/stream", null, sse);
		assertThat(noKey.status()).isEqualTo(401);
		assertThat(noKey.header("Content-Type")).startsWith("application/problem+json");

		var wrongKey = api.withKey("pg_sk_not_a_key").send("GET", "/v1/entitlements/stream", null, sse);
		assertThat(wrongKey.status()).isEqualTo(401);

		var token = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", newCustomer("stream-token"))));
		assertThat(token.status()).isEqualTo(201);
		var customerToken = api.withKey(token.body().get("token").asString())
			.send("GET", "/v1/entitlements/stream", null, sse);
		assertThat(customerToken.status()).as("a customer's token sees no other customers").isEqualTo(403);

		var json = api.send("GET", "/v1/entitlements/stream", null, Map.of("Accept", "application/json"));
		assertThat(json.status()).as(json.toString()).isEqualTo(406);
		assertThat(json.header("Content-Type")).startsWith("application/problem+json");
	}

}

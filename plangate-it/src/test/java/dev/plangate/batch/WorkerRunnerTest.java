package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.client.PermanentFailure;
import dev.plangate.client.PlangateWorker;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Java worker runner of plangate-client against a running server: it runs each type's
 * handler within its concurrency, reports results and failures, learns of cancellation
 * through heartbeats, and on close waits for what runs.
 */
@FreshSchema
class WorkerRunnerTest extends ServerTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "worker_runner");
		registry.add("plangate.batches.retry-base", () -> "10ms");
		registry.add("plangate.batches.retry-max", () -> "20ms");
	}

	private String workerKey() {
		return api.post("/v1/api-keys", "{\"name\":\"runner\",\"kind\":\"worker\"}").body().path("secret").asString();
	}

	private PlangateWorker.Builder worker(String region) {
		return PlangateWorker.builder(URI.create("http://localhost:" + port), workerKey())
			.regions(region)
			.pollWait(Duration.ofSeconds(1))
			.heartbeatEvery(Duration.ofMillis(200));
	}

	private String submit(String customer, String region, String operations) {
		var response = api.post("/v1/batches",
				"{\"customerId\":\"%s\",\"region\":\"%s\",\"operations\":%s}".formatted(customer, region, operations));
		assertThat(response.status()).as(response.toString()).isEqualTo(202);
		return response.body().path("id").asString();
	}

	private String status(String customer, String batch) {
		return api.get("/v1/batches/" + batch + "?customerId=" + Api.encode(customer)).body().path("status").asString();
	}

	@Test
	void handlersRunEveryOperationWithinTheConcurrencyAndReportResults() {
		// given
		var customer = newCustomer("runner");
		var runningNow = new AtomicInteger();
		var mostAtOnce = new AtomicInteger();
		var batch = submit(customer, "runner-1", "[" + "{\"type\":\"spawn_agent\",\"payload\":{\"n\":1}},".repeat(7)
				+ "{\"type\":\"spawn_agent\",\"payload\":{\"n\":1}}]");

		// when
		try (var worker = worker("runner-1").concurrency(3).handle("spawn_agent", operation -> {
			mostAtOnce.accumulateAndGet(runningNow.incrementAndGet(), Math::max);
			Thread.sleep(100);
			runningNow.decrementAndGet();
			return JSON.createObjectNode().put("spawned", operation.payload().path("n").asInt());
		}).start()) {
			Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> status(customer, batch).equals("completed"));
		}

		// then
		assertThat(mostAtOnce.get()).isBetween(2, 3);
		var details = api.get("/v1/batches/" + batch + "?customerId=" + Api.encode(customer)).body();
		assertThat(details.path("operations")).allSatisfy(o -> {
			assertThat(o.path("status").asString()).isEqualTo("succeeded");
			assertThat(o.path("result").path("spawned").asInt()).isEqualTo(1);
		});
	}

	@Test
	void whatFinishedIsReportedBeforeCloseReturns() {
		// given: quick operations, far more than run at once
		var customer = newCustomer("runner");
		var handled = new AtomicInteger();
		var batch = submit(customer, "runner-4", "[" + "{\"type\":\"spawn_agent\",\"payload\":{\"n\":2}},".repeat(39)
				+ "{\"type\":\"spawn_agent\",\"payload\":{\"n\":2}}]");
		var worker = worker("runner-4").concurrency(8).handle("spawn_agent", operation -> {
			handled.incrementAndGet();
			return JSON.createObjectNode().put("spawned", operation.payload().path("n").asInt());
		}).start();
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> handled.get() == 40);

		// when
		worker.close();

		// then: every result is in, with nothing left to wait for
		var details = api.get("/v1/batches/" + batch + "?customerId=" + Api.encode(customer)).body();
		assertThat(details.path("status").asString()).isEqualTo("completed");
		assertThat(details.path("operations")).hasSize(40).allSatisfy(o -> {
			assertThat(o.path("status").asString()).isEqualTo("succeeded");
			assertThat(o.path("result").path("spawned").asInt()).isEqualTo(2);
		});
	}

	@Test
	void aFailureIsRetriedAndAPermanentFailureFailsTheBatch() {
		// given
		var customer = newCustomer("runner");
		var attempts = new ConcurrentHashMap<String, AtomicInteger>();
		var flaky = submit(customer, "runner-2", "[{\"type\":\"flaky\",\"idempotencyKey\":\"f-1\"}]");
		var broken = submit(customer, "runner-2", "[{\"type\":\"broken\"}]");

		// when
		try (var worker = worker("runner-2").handle("flaky", operation -> {
			if (attempts.computeIfAbsent(operation.idempotencyKey(), k -> new AtomicInteger()).incrementAndGet() < 2) {
				throw new IllegalStateException("not yet");
			}
			return null;
		}).handle("broken", operation -> {
			throw new PermanentFailure("bad_input", "this can never work");
		}).start()) {
			Awaitility.await()
				.atMost(Duration.ofSeconds(20))
				.until(() -> status(customer, flaky).equals("completed") && status(customer, broken).equals("failed"));
		}

		// then
		assertThat(attempts.get("f-1").get()).isEqualTo(2);
		var failed = api.get("/v1/batches/" + broken + "?customerId=" + Api.encode(customer)).body();
		assertThat(failed.path("operations").get(0).path("attempts").asInt()).isEqualTo(1);
		assertThat(failed.path("operations").get(0).path("error").path("code").asString()).isEqualTo("bad_input");
	}

	@Test
	void aCancelledBatchReachesItsRunningHandlerAndCloseWaitsForIt() throws Exception {
		// given
		var customer = newCustomer("runner");
		var started = new CountDownLatch(1);
		var stoppedOnCancel = new AtomicInteger();
		var batch = submit(customer, "runner-3", "[{\"type\":\"long_job\"}]");
		var worker = worker("runner-3").handle("long_job", operation -> {
			started.countDown();
			while (!operation.isCancelled()) {
				operation.progress(50, "working");
				Thread.sleep(50);
			}
			stoppedOnCancel.incrementAndGet();
			throw new PermanentFailure("cancelled", "stopped on request");
		}).start();
		assertThat(started.await(20, TimeUnit.SECONDS)).isTrue();

		// when
		var cancel = api.delete("/v1/batches/" + batch + "?customerId=" + Api.encode(customer));
		Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> status(customer, batch).equals("cancelled"));
		worker.close();

		// then
		assertThat(cancel.status()).as(cancel.toString()).isEqualTo(200);
		assertThat(stoppedOnCancel.get()).isEqualTo(1);
		assertThat(worker.running()).isZero();
	}

}

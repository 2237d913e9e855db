package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.FreshSchema;
import tools.jackson.databind.JsonNode;

/**
 * The order batches are admitted and operations dispatched in, on the agent-platform
 * example (pro and enterprise at priority 10, free and team at 0): priority first, but a
 * batch that has waited ten aging steps is not passed over any more; operations by
 * weighted fair queueing, so that one customer's many operations do not hold back
 * another's one. The system cap is 2 here, so that a few batches fill it.
 */
@FreshSchema
class BatchSchedulingTest extends BatchTestSupport {

	/** A queued batch counts one priority level higher for every 200 ms it waits. */
	private static final long AGING_STEP_MILLIS = 200;

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		configure(registry, "batch_scheduling", "agent-platform.yaml", Map.of("system-concurrency", "2",
				"aging-per-level", AGING_STEP_MILLIS + "ms", "tick", "100ms", "lease-ttl", "2s"));
	}

	/** Two other customers' batches take both processing slots. */
	private void fillTheSystem(String region) {
		for (int i = 0; i < 2; i++) {
			var filler = submit(batch(customerOn("free"), region, operations(1)));
			assertThat(filler.path("status").asString()).isEqualTo("processing");
		}
	}

	/** One of the batches filling the system ends. */
	private void freeOneSlot(String region) {
		var tasks = poll("filler", region, 1, 2);
		assertThat(tasks).hasSize(1);
		complete("filler", tasks.get(0));
	}

	private static long countOf(List<JsonNode> tasks, String customerId) {
		return tasks.stream().filter(t -> t.path("customerId").asString().equals(customerId)).count();
	}

	@Test
	void aProBatchIsAdmittedBeforeAFreeBatchQueuedAtTheSameTime() {
		// given
		fillTheSystem("sched-prio-fill");
		var free = submit(batch(customerOn("free"), "sched-prio", operations(1)));
		var pro = submit(batch(customerOn("pro"), "sched-prio", operations(1)));
		assertThat(List.of(free.path("status").asString(), pro.path("status").asString())).containsOnly("queued");

		// when
		freeOneSlot("sched-prio-fill");

		// then
		awaitStatus(pro, "processing");
		assertThat(status(free)).isEqualTo("queued");

		// when
		freeOneSlot("sched-prio-fill");

		// then
		awaitStatus(free, "processing");
	}

	@Test
	void aQueuedBatchsPositionIsItsPlaceInTheAdmissionOrder() {
		// given
		fillTheSystem("sched-position-fill");
		var free = submit(batch(customerOn("free"), "sched-position", operations(1)));

		// when
		var pro = submit(batch(customerOn("pro"), "sched-position", operations(1)));

		// then: the pro batch is admitted next (as the test above shows), so it is first
		assertThat(read(pro).path("position").asInt()).as("the pro batch's position").isEqualTo(1);
		assertThat(read(free).path("position").asInt()).as("the free batch's position").isEqualTo(2);
	}

	@Test
	void aFreeBatchQueuedLongerThanTenAgingStepsIsAdmittedBeforeANewerProBatch() throws InterruptedException {
		// given
		fillTheSystem("sched-aging-fill");
		var free = submit(batch(customerOn("free"), "sched-aging", operations(1)));
		// waiting is what the test is about: more than ten aging steps
		Thread.sleep(12 * AGING_STEP_MILLIS + 200);
		var pro = submit(batch(customerOn("pro"), "sched-aging", operations(1)));

		// when
		freeOneSlot("sched-aging-fill");

		// then
		awaitStatus(free, "processing");
		assertThat(status(pro)).isEqualTo("queued");
	}

	@Test
	void aPriorityTenCustomerIsDispatchedElevenOperationsForEachOfAFreeCustomersOne() {
		// given: a free customer allowed 30 operations run at once, then a pro customer
		var freeCustomer = customerOn("free");
		override(freeCustomer, "batch_size", 30);
		override(freeCustomer, "parallel_batch_processing", true);
		var proCustomer = customerOn("pro");
		var free = submit(batch(freeCustomer, "sched-weighted", operations(30)));
		var pro = submit(batch(proCustomer, "sched-weighted", operations(30)));
		assertThat(List.of(free.path("status").asString(), pro.path("status").asString())).containsOnly("processing");

		// when
		var first = poll("w1", "sched-weighted", 12, 2);
		var next = poll("w1", "sched-weighted", 12, 2);

		// then
		assertThat(countOf(first, freeCustomer)).as("free operations among the first 12").isEqualTo(1);
		assertThat(countOf(first, proCustomer)).as("pro operations among the first 12").isEqualTo(11);
		assertThat(countOf(next, freeCustomer)).as("free operations among the next 12").isEqualTo(1);
		assertThat(countOf(next, proCustomer)).as("pro operations among the next 12").isEqualTo(11);
	}

	@ParameterizedTest(name = "on {0}")
	@ValueSource(strings = { "team", "enterprise" })
	void oneCustomersThousandQueuedOperationsDoNotHoldBackAnotherCustomersSingleOne(String plan) {
		// given
		var busy = customerOn(plan);
		override(busy, "batch_size", 1000);
		override(busy, "parallel_batch_processing", true);
		var thousand = submit(batch(busy, "sched-fair-" + plan, operations(1000)));
		var single = submit(batch(customerOn(plan), "sched-fair-" + plan, operations(1)));
		assertThat(List.of(thousand.path("status").asString(), single.path("status").asString()))
			.containsOnly("processing");

		// when
		var dispatched = new ArrayList<JsonNode>();
		for (int i = 0; i < 3; i++) {
			var tasks = poll("w1", "sched-fair-" + plan, 1, 2);
			dispatched.addAll(tasks);
			tasks.forEach(t -> complete("w1", t));
		}

		// then
		assertThat(dispatched).extracting(t -> t.path("batchId").asString())
			.as("the single operation is among the first three dispatched")
			.contains(single.path("id").asString());
		awaitStatus(single, "completed");
	}

	@Test
	void aBatchWhoseRollbackCannotStartDoesNotStopOtherBatchesBeingAdmitted() {
		// given: the system full with two batches, a third queued; the first batch's
		// second operation is held by a worker that dies, its first undone by a
		// compensation whose key is longer than the operation's
		var poisoned = submit(batch(customerOn("pro"), "sched-poison-1",
				List.of(Map.of("type", "spawn_agent", "idempotencyKey", "k".repeat(200), "compensation",
						Map.of("type", "terminate_agent")), Map.of("type", "spawn_agent")),
				"maxAttempts", 1));
		var other = submit(batch(customerOn("free"), "sched-poison-2", operations(1)));
		var queued = submit(batch(customerOn("free"), "sched-poison-3", operations(1)));
		var tasks = poll("dying", "sched-poison-1", 2, 2);
		complete("dying", tasks.stream().filter(t -> t.path("seq").asInt() == 0).findFirst().orElseThrow());
		var lease = Instant.parse(tasks.get(0).path("leaseExpiresAt").asString());
		eventually().until(() -> Instant.now().isAfter(lease.plusMillis(500)));

		// when a slot frees
		complete("w1", poll("w1", "sched-poison-2", 1, 2).get(0));
		awaitStatus(other, "completed");

		// then
		assertThat(queued.path("status").asString()).isEqualTo("queued");
		// a slot is given out within a tick or two
		Awaitility.await()
			.atMost(Duration.ofSeconds(5))
			.pollInterval(Duration.ofMillis(100))
			.untilAsserted(() -> assertThat(status(queued)).as("the queued batch").isEqualTo("processing"));
		awaitStatus(poisoned, "rolling_back");
		var compensation = poll("w1", "sched-poison-1", 1, 2).get(0);
		assertThat(compensation.path("idempotencyKey").asString()).isEqualTo("k".repeat(200) + ":compensation");
		complete("w1", compensation);
		awaitStatus(poisoned, "rolled_back");
	}

}

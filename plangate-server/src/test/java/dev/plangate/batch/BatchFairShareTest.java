package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.FreshSchema;
import tools.jackson.databind.JsonNode;

/**
 * The system's slots shared fairly between customers, at the default settings (five
 * batches processing at once in the whole system): an enterprise customer of the
 * agent-platform example (ten batches at once, 200 operations each, priority 10) holding
 * every slot does not keep another customer's single operation waiting behind its
 * backlog.
 */
@FreshSchema
class BatchFairShareTest extends BatchTestSupport {

	private static final int SYSTEM_CAP = 5;

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		configure(registry, "batch_fair_share", "agent-platform.yaml", Map.of());
	}

	private List<JsonNode> fiveBatchesOf(String customerId, String region, int size) {
		var batches = new ArrayList<JsonNode>();
		for (int i = 0; i < SYSTEM_CAP; i++) {
			batches.add(submit(batch(customerId, region, operations(size))));
		}
		assertThat(batches).extracting(b -> b.path("status").asString())
			.as("the busy customer's batches")
			.containsOnly("processing");
		return batches;
	}

	private long processing(List<JsonNode> batches) {
		return batches.stream().filter(b -> status(b).equals("processing")).count();
	}

	@ParameterizedTest(name = "a {0} customer''s operation after at most {1} of the backlog")
	@CsvSource({ "free, 12", "enterprise, 2" })
	void aSingleOperationGoesOutPromptlyWhileAnotherCustomersFiveBatchesOfTwoHundredHoldEverySlot(String plan,
			int atMost) {
		// given: five batches of 200 operations take every slot, workers are on them
		var region = "fair-share-" + plan;
		var busy = customerOn("enterprise");
		var backlog = fiveBatchesOf(busy, region, 200);
		for (var task : poll("w1", region, 10, 2)) {
			complete("w1", task);
		}

		// when
		var single = submit(batch(customerOn(plan), region, operations(1)));

		// then: it takes a slot back at once, from a batch that had not begun
		assertThat(single.path("status").asString()).as("the single operation's batch").isEqualTo("processing");
		assertThat(processing(backlog)).as("the busy customer's batches processing").isEqualTo(SYSTEM_CAP - 1);
		var yielded = backlog.stream().filter(b -> status(b).equals("queued")).findFirst().orElseThrow();
		assertThat(events(yielded, "batch.queued")).last()
			.satisfies(e -> assertThat(e.path("data").path("reason").asString()).isEqualTo("fair_share"));

		// and its operation goes out before at most `atMost` of the backlog's (a level-10
		// customer gets eleven operations for a level-0 customer's one)
		var before = 0;
		while (true) {
			var task = poll("w1", region, 1, 2).get(0);
			complete("w1", task);
			if (task.path("batchId").asString().equals(single.path("id").asString())) {
				break;
			}
			before++;
			assertThat(before).as("the backlog's operations dispatched before the single one")
				.isLessThanOrEqualTo(atMost);
		}
		awaitStatus(single, "completed");
	}

	@Test
	void aBatchThatGaveItsSlotBackIsAdmittedAgainWhenOneFreesAndRunsEveryOperationOnce() {
		// given
		var region = "fair-share-again";
		var busy = customerOn("enterprise");
		var backlog = fiveBatchesOf(busy, region, 2);
		var single = submit(batch(customerOn("free"), region, operations(1)));
		var yielded = backlog.stream().filter(b -> status(b).equals("queued")).findFirst().orElseThrow();

		// when
		var taken = new ArrayList<JsonNode>();
		while (taken.size() < 2 * SYSTEM_CAP + 1) {
			for (var task : poll("w1", region, 11, 2)) {
				complete("w1", task);
				taken.add(task);
			}
		}

		// then
		for (var batch : backlog) {
			awaitStatus(batch, "completed");
		}
		awaitStatus(single, "completed");
		assertThat(taken).extracting(t -> t.path("id").asString()).doesNotHaveDuplicates();
		assertThat(eventTypes(yielded)).containsSubsequence("batch.processing", "batch.queued", "batch.processing",
				"batch.completed");
		assertThat(operation(yielded, 0).path("attempts").asInt()).isEqualTo(1);
	}

	@Test
	void whenEveryBatchHoldingASlotHasBegunTheWaitingCustomerGetsTheNextSlotBeforeTheBusyCustomersNextBatch() {
		// given: the busy customer's five batches have all begun, a free customer waits,
		// then the busy customer (priority 10) queues a sixth
		var region = "fair-share-next";
		var busy = customerOn("enterprise");
		var backlog = fiveBatchesOf(busy, region, 2);
		var running = new ArrayList<JsonNode>();
		while (running.size() < 2 * SYSTEM_CAP) {
			running.addAll(poll("w1", region, 10, 2));
		}
		var waiting = submit(batch(customerOn("free"), region, operations(1)));
		assertThat(waiting.path("status").asString()).as("the free customer's batch").isEqualTo("queued");
		var sixth = submit(batch(busy, region, operations(1)));
		assertThat(read(waiting).path("position").asInt()).as("the free customer's position").isEqualTo(1);

		// when: one of the busy customer's batches ends
		running.stream()
			.filter(t -> t.path("batchId").asString().equals(backlog.get(0).path("id").asString()))
			.forEach(t -> complete("w1", t));
		awaitStatus(backlog.get(0), "completed");

		// then
		awaitStatus(waiting, "processing");
		assertThat(status(sixth)).isEqualTo("queued");
		assertThat(processing(backlog)).isEqualTo(SYSTEM_CAP - 1);
	}

}

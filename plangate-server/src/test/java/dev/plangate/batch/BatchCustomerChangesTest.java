package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.FreshSchema;
import tools.jackson.databind.JsonNode;

/**
 * A customer's queued batches follow the customer: held while it is suspended, and on the
 * terms of its new plan once it changes plan (free allows 1 batch processing at once,
 * team 2).
 */
@FreshSchema
class BatchCustomerChangesTest extends BatchTestSupport {

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		configure(registry, "batch_customer_changes", "agent-platform.yaml",
				Map.of("system-concurrency", "100", "tick", "100ms"));
	}

	private JsonNode submitOne(String customer, String region) {
		return submit(batch(customer, region, operations(1)));
	}

	/** Takes the region's one ready operation and completes it. */
	private void runOne(String region) {
		var taken = poll("w", region, 1, 5);
		assertThat(taken).hasSize(1);
		complete("w", taken.get(0));
	}

	/** Some scheduler turns (a tenth of a second each) pass. */
	private static void turnsPass() throws InterruptedException {
		Thread.sleep(1500);
	}

	/** Changes the plan at once, a downgrade too. */
	private void changePlan(String customer, String plan) {
		var response = api.post(customerPath(customer) + "/subscription",
				"{\"plan\":\"" + plan + "\",\"when\":\"now\"}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	@Test
	void aSuspendedCustomersQueuedBatchWaitsUntilItIsActiveAgain() throws Exception {
		// given: one batch processing, one queued behind it (free allows one at once)
		var customer = customerOn("free");
		var first = submitOne(customer, "changes-suspend");
		var second = submitOne(customer, "changes-suspend");
		assertThat(status(first)).isEqualTo("processing");
		assertThat(status(second)).isEqualTo("queued");

		// when: the customer is suspended, and the processing batch ends
		assertThat(api.post(customerPath(customer) + "/suspend", null).status()).isEqualTo(200);
		runOne("changes-suspend");
		awaitStatus(first, "completed");
		turnsPass();

		// then: the queued one is held
		assertThat(status(second)).isEqualTo("queued");

		// and when the customer is active again, it starts
		assertThat(api.post(customerPath(customer) + "/activate", null).status()).isEqualTo(200);
		awaitStatus(second, "processing");
	}

	@Test
	void aDowngradeAppliesTheNewPlansCapToQueuedBatches() throws Exception {
		// given: on team, two batches processing and one queued
		var customer = customerOn("team");
		var first = submitOne(customer, "changes-down");
		var second = submitOne(customer, "changes-down");
		var third = submitOne(customer, "changes-down");
		assertThat(List.of(status(first), status(second), status(third))).containsExactly("processing", "processing",
				"queued");

		// when: moved to free (one at once), and one processing batch ends
		changePlan(customer, "free");
		runOne("changes-down");
		turnsPass();

		// then: with one still processing, the queued one waits (team would have started
		// it)
		assertThat(status(third)).isEqualTo("queued");

		// and when the other ends, it starts
		runOne("changes-down");
		awaitStatus(third, "processing");
	}

	@Test
	void anUpgradeLetsAQueuedBatchStartAtOnce() {
		// given: on free, one batch processing and one queued
		var customer = customerOn("free");
		var first = submitOne(customer, "changes-up");
		var second = submitOne(customer, "changes-up");
		assertThat(status(second)).isEqualTo("queued");

		// when
		changePlan(customer, "team");

		// then: it starts without waiting for the first
		awaitStatus(second, "processing");
		assertThat(status(first)).isEqualTo("processing");
	}

	@Test
	void suspendingOrActivatingACustomerWithNoBatchesChangesNothingElse() {
		// given
		var customer = customerOn("free");

		// when
		var suspended = api.post(customerPath(customer) + "/suspend", null);
		var activated = api.post(customerPath(customer) + "/activate", null);
		var submitted = submitOne(customer, "changes-none");

		// then
		assertThat(suspended.status()).isEqualTo(200);
		assertThat(activated.status()).isEqualTo(200);
		assertThat(submitted.path("status").asString()).isEqualTo("processing");
	}

	@Test
	void deletingACustomerCancelsItsQueuedAndProcessingBatches() throws Exception {
		// given: one batch processing, one queued behind it
		var customer = customerOn("free");
		var first = submitOne(customer, "changes-delete");
		var second = submitOne(customer, "changes-delete");
		assertThat(List.of(status(first), status(second))).containsExactly("processing", "queued");

		// when
		assertThat(api.delete(customerPath(customer)).status()).isBetween(200, 204);

		// then: both end cancelled, and no worker is handed their operations
		awaitStatus(first, "cancelled");
		awaitStatus(second, "cancelled");
		assertThat(poll("w", "changes-delete", 5, 1)).isEmpty();
	}

}

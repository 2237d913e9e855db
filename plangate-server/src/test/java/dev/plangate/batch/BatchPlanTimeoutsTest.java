package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * A plan's timeout settings are its batches' defaults, kept within the server's bounds; a
 * batch may still choose its own.
 */
@FreshSchema
class BatchPlanTimeoutsTest extends ServerTest {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "batch_plan_timeouts");
		registry.add("plangate.catalog", () -> "classpath:catalogs/batch-timeouts.yaml");
	}

	private JsonNode submit(String customer, String extra) {
		var response = api.post("/v1/batches",
				"{\"customerId\":\"%s\",\"region\":\"timeouts-1\"%s,\"operations\":[{\"type\":\"x\"}]}"
					.formatted(customer, extra));
		assertThat(response.status()).as(response.toString()).isEqualTo(202);
		return response.body();
	}

	@Test
	void thePlansTimeoutsAreTheBatchsDefaults() {
		// given
		var customer = newCustomer("timeouts");

		// when
		var batch = submit(customer, "");

		// then
		assertThat(batch.path("operationTimeoutSeconds").asLong()).isEqualTo(5);
		assertThat(batch.path("batchTimeoutSeconds").asLong()).isEqualTo(120);
	}

	@Test
	void aBatchMayChooseItsOwnTimeouts() {
		// given
		var customer = newCustomer("timeouts");

		// when
		var batch = submit(customer, ",\"operationTimeoutSeconds\":7,\"batchTimeoutSeconds\":60");

		// then
		assertThat(batch.path("operationTimeoutSeconds").asLong()).isEqualTo(7);
		assertThat(batch.path("batchTimeoutSeconds").asLong()).isEqualTo(60);
	}

	@Test
	void aPlansTimeoutIsKeptWithinTheServersBoundAndAMissingOneFallsBackToTheDefault() {
		// given
		var customer = newCustomer("timeouts");
		var moved = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\":\"long\"}");
		assertThat(moved.status()).as(moved.toString()).isEqualTo(200);

		// when
		var batch = submit(customer, "");

		// then
		assertThat(batch.path("operationTimeoutSeconds").asLong()).isEqualTo(3600);
		assertThat(batch.path("batchTimeoutSeconds").asLong()).isEqualTo(600);
	}

	@Test
	void aPlanAllowingNoBatchAtOnceIsRefusedRatherThanQueuedForever() {
		// given
		var customer = newCustomer("timeouts");
		var moved = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\":\"closed\"}");
		assertThat(moved.status()).as(moved.toString()).isEqualTo(200);

		// when
		var response = api.post("/v1/batches",
				"{\"customerId\":\"%s\",\"operations\":[{\"type\":\"x\"}]}".formatted(customer));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(402);
		assertThat(response.code()).isEqualTo("feature_not_in_plan");
		assertThat(response.body().path("feature").asString()).isEqualTo("concurrent_batches");
		assertThat(response.body().path("upgradePlan").asString()).isEqualTo("basic");
	}

}

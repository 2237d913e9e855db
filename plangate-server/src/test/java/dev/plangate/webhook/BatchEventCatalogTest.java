package dev.plangate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * A batch's end is told once, as {@code batch.completed}, {@code batch.failed} or
 * {@code batch.cancelled}, with the batch as the API shows it. On a database of its own,
 * as the batch tests are, so that no other batch holds the system's cap.
 */
@FreshSchema
class BatchEventCatalogTest extends ServerTest {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "batch_event_catalog");
	}

	private JsonNode submit(String customer, String region, String operations) {
		var response = api.post("/v1/batches",
				"{\"customerId\":\"%s\",\"region\":\"%s\",\"maxAttempts\":1,\"operations\":[%s]}".formatted(customer,
						region, operations));
		assertThat(response.status()).as(response.toString()).isEqualTo(202);
		return response.body();
	}

	private List<JsonNode> poll(String region) {
		var response = api.post("/v1/worker/poll",
				"{\"workerId\":\"w1\",\"regions\":[\"" + region + "\"],\"max\":10,\"waitSeconds\":2}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var taken = new ArrayList<JsonNode>();
		response.body().path("operations").forEach(taken::add);
		return taken;
	}

	private void report(JsonNode task, String action, String body) {
		var response = api.post("/v1/worker/operations/" + task.path("id").asString() + "/" + action, body);
		assertThat(response.status()).as(response.toString()).isEqualTo(204);
	}

	/** The customer's batch events, oldest first, once one has come. */
	private List<JsonNode> batchEvents(String customer) {
		var events = new ArrayList<JsonNode>();
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
			events.clear();
			var response = api.get("/v1/customers/" + Api.encode(customer) + "/events?type=batch.*");
			response.body().path("data").forEach(events::add);
			return !events.isEmpty();
		});
		return events;
	}

	@Test
	void aBatchThatRanToItsEndIsCompleted() {
		// given
		var customer = newCustomer("ev-batch-done");
		var batch = submit(customer, "eu-events-1",
				"{\"type\":\"spawn_agent\",\"payload\":{\"name\":\"a\"}},{\"type\":\"spawn_agent\",\"payload\":{}}");

		// when
		poll("eu-events-1").forEach(task -> report(task, "complete", "{\"workerId\":\"w1\",\"result\":{\"ok\":true}}"));

		// then
		var events = batchEvents(customer);
		assertThat(events).hasSize(1);
		var event = events.get(0);
		assertThat(event.path("type").asString()).isEqualTo("batch.completed");
		assertThat(event.path("customerId").asString()).isEqualTo(customer);
		var data = event.path("data");
		assertThat(data.path("id").asString()).isEqualTo(batch.path("id").asString());
		assertThat(data.path("status").asString()).isEqualTo("completed");
		assertThat(data.path("counts").path("succeeded").asInt()).isEqualTo(2);
		assertThat(data.path("progress").asDouble()).isEqualTo(100.0);
		assertThat(data.path("finishedAt").asString()).isNotBlank();
		assertThat(data.path("operations").isNull()).as("operations are not listed").isTrue();
	}

	@Test
	void aBatchWhoseOperationFailedForGoodIsFailed() {
		// given
		var customer = newCustomer("ev-batch-failed");
		var batch = submit(customer, "eu-events-2", "{\"type\":\"spawn_agent\",\"payload\":{}}");

		// when
		poll("eu-events-2").forEach(task -> report(task, "fail",
				"{\"workerId\":\"w1\",\"error\":{\"message\":\"boom\"},\"retryable\":false}"));

		// then
		var event = batchEvents(customer).get(0);
		assertThat(event.path("type").asString()).isEqualTo("batch.failed");
		assertThat(event.path("data").path("id").asString()).isEqualTo(batch.path("id").asString());
		assertThat(event.path("data").path("status").asString()).isEqualTo("failed");
		assertThat(event.path("data").path("error").asString()).contains("boom");
		assertThat(event.path("data").path("counts").path("failed").asInt()).isEqualTo(1);
	}

	@Test
	void aBatchCancelledBeforeItRanIsCancelled() {
		// given
		var customer = newCustomer("ev-batch-cancel");
		var batch = submit(customer, "eu-events-3", "{\"type\":\"spawn_agent\",\"payload\":{}}");

		// when
		var response = api.delete("/v1/batches/" + batch.path("id").asString() + "?customerId=" + Api.encode(customer));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var events = batchEvents(customer);
		assertThat(events).hasSize(1);
		assertThat(events.get(0).path("type").asString()).isEqualTo("batch.cancelled");
		assertThat(events.get(0).path("data").path("status").asString()).isEqualTo("cancelled");
		assertThat(events.get(0).path("data").path("counts").path("cancelled").asInt()).isEqualTo(1);
	}

}

package dev.plangate.batch;

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
 * A batch from submission to its end over HTTP, with a worker played by the test: run,
 * retry, fail, roll back, cancel.
 */
@FreshSchema
class BatchFlowTest extends ServerTest {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "batch_flow");
		registry.add("plangate.batches.retry-base", () -> "10ms");
		registry.add("plangate.batches.retry-max", () -> "20ms");
	}

	private JsonNode submit(String body) {
		var response = api.post("/v1/batches", body);
		assertThat(response.status()).as(response.toString()).isEqualTo(202);
		return response.body();
	}

	private List<JsonNode> poll(String region, int max) {
		var response = api.post("/v1/worker/poll",
				"{\"workerId\":\"w1\",\"regions\":[\"" + region + "\"],\"max\":" + max + ",\"waitSeconds\":2}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var taken = new ArrayList<JsonNode>();
		response.body().path("operations").forEach(taken::add);
		return taken;
	}

	private void complete(JsonNode task) {
		var response = api.post("/v1/worker/operations/" + task.path("id").asString() + "/complete",
				"{\"workerId\":\"w1\",\"result\":{\"ok\":true}}");
		assertThat(response.status()).as(response.toString()).isEqualTo(204);
	}

	private void fail(JsonNode task, boolean retryable) {
		var response = api.post("/v1/worker/operations/" + task.path("id").asString() + "/fail",
				"{\"workerId\":\"w1\",\"error\":{\"message\":\"boom\",\"code\":\"agent_down\"},\"retryable\":"
						+ retryable + "}");
		assertThat(response.status()).as(response.toString()).isEqualTo(204);
	}

	private JsonNode batch(String customer, JsonNode submitted) {
		var response = api
			.get("/v1/batches/" + submitted.path("id").asString() + "?customerId=" + Api.encode(customer));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private String status(String customer, JsonNode submitted) {
		return batch(customer, submitted).path("status").asString();
	}

	@Test
	void aBatchRunsOnWorkersToCompletion() {
		// given
		var customer = newCustomer("batch");
		var submitted = submit("""
				{"customerId":"%s","region":"eu-flow-1","operations":[
				  {"type":"spawn_agent","payload":{"name":"a"}},{"type":"spawn_agent","payload":{"name":"b"}}]}"""
			.formatted(customer));

		// when
		var tasks = poll("eu-flow-1", 10);
		tasks.forEach(this::complete);

		// then
		assertThat(submitted.path("status").asString()).isEqualTo("processing");
		assertThat(tasks).hasSize(2);
		assertThat(tasks.get(0).path("payload").path("name").asString()).isEqualTo("a");
		var done = batch(customer, submitted);
		assertThat(done.path("status").asString()).isEqualTo("completed");
		assertThat(done.path("progress").asDouble()).isEqualTo(100.0);
		assertThat(done.path("counts").path("succeeded").asInt()).isEqualTo(2);
		// pages show events once they have settled, a moment after they happen
		var types = new ArrayList<String>();
		Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
			types.clear();
			api.get("/v1/batches/" + submitted.path("id").asString() + "/events?customerId=" + Api.encode(customer))
				.body()
				.path("data")
				.forEach(e -> types.add(e.path("type").asString()));
			return types.contains("batch.completed");
		});
		assertThat(types).startsWith("batch.queued", "batch.processing").endsWith("batch.completed");
	}

	@Test
	void aFailedOperationIsRetriedThenFailsTheBatchWhichRollsBack() {
		// given
		var customer = newCustomer("batch");
		var submitted = submit(
				"""
						{"customerId":"%s","region":"eu-flow-2","maxAttempts":2,"operations":[
						  {"type":"spawn_agent","payload":{"name":"a"},"compensation":{"type":"terminate_agent","payload":{"name":"a"}}},
						  {"type":"spawn_agent","payload":{"name":"b"}}]}"""
					.formatted(customer));
		var first = poll("eu-flow-2", 10);
		complete(first.get(0));

		// when
		fail(first.get(1), true);
		var retried = poll("eu-flow-2", 10);
		fail(retried.get(0), true);
		var compensation = poll("eu-flow-2", 10);
		complete(compensation.get(0));

		// then
		assertThat(retried.get(0).path("attempt").asInt()).isEqualTo(2);
		assertThat(compensation.get(0).path("type").asString()).isEqualTo("terminate_agent");
		assertThat(compensation.get(0).path("kind").asString()).isEqualTo("compensation");
		Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> status(customer, submitted).equals("rolled_back"));
	}

}

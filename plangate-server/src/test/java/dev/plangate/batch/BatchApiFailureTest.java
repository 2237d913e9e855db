package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshSchema;
import tools.jackson.databind.JsonNode;

/**
 * Every way the batch and worker endpoints can be asked wrongly: each answers a problem
 * with a clear {@code code}, never a 500, and changes nothing — no batch stored, no
 * operation taken or ended, no batch cancelled.
 */
@FreshSchema
class BatchApiFailureTest extends BatchTestSupport {

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		configure(registry, "batch_api_failure", null, Map.of("system-concurrency", "100", "tick", "100ms"));
	}

	private static final String ONE = "[{\"type\":\"spawn_agent\"}]";

	private List<JsonNode> listed(String customerId) {
		var response = api.get("/v1/batches?customerId=" + Api.encode(customerId));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var batches = new ArrayList<JsonNode>();
		response.body().path("data").forEach(batches::add);
		return batches;
	}

	private static String manyOperations(int n) {
		var operations = new StringBuilder("[");
		for (int i = 0; i < n; i++) {
			operations.append(i == 0 ? "" : ",").append("{\"type\":\"spawn_agent\"}");
		}
		return operations.append(']').toString();
	}

	private static String metadataOf(int keys) {
		var metadata = new LinkedHashMap<String, Object>();
		for (int i = 0; i < keys; i++) {
			metadata.put("k" + i, i);
		}
		return Api.json(metadata);
	}

	/**
	 * Submissions that must be refused: a body ({@code %1$s} the customer), the status,
	 * the code and the field named.
	 */
	static Stream<Arguments> badSubmissions() {
		return Stream.of(Arguments.of("{\"customerId\":\"%1$s\",\"operations\":[", 400, "malformed_json", null),
				Arguments.of("", 400, "malformed_json", null), Arguments.of("[1,2]", 400, "malformed_json", null),
				Arguments.of("{\"operations\":" + ONE + "}", 400, "invalid_request", "customerId"),
				Arguments.of("{\"customerId\":\"bad id!\",\"operations\":" + ONE + "}", 400, "invalid_request",
						"customerId"),
				Arguments.of("{\"customerId\":\"%1$s\"}", 400, "invalid_request", "operations"),
				Arguments.of("{\"customerId\":\"%1$s\",\"operations\":[]}", 400, "invalid_request", "operations"),
				Arguments.of("{\"customerId\":\"%1$s\",\"operations\":\"spawn\"}", 400, "invalid_request",
						"operations"),
				Arguments.of("{\"customerId\":\"%1$s\",\"operations\":[null]}", 400, "invalid_request",
						"operations[0]"),
				Arguments.of("{\"customerId\":\"%1$s\",\"operations\":[{\"payload\":{}}]}", 400, "invalid_request",
						"operations[0].type"),
				Arguments.of("{\"customerId\":\"%1$s\",\"operations\":[{\"type\":\"Spawn Agent\"}]}", 400,
						"invalid_request", "operations[0].type"),
				Arguments.of("{\"customerId\":\"%1$s\",\"operations\":[{\"type\":\"" + "a".repeat(65) + "\"}]}", 400,
						"invalid_request", "operations[0].type"),
				Arguments.of("{\"customerId\":\"%1$s\",\"operations\":[{\"type\":{\"name\":\"spawn\"}}]}", 400,
						"invalid_request", "operations[0].type"),
				Arguments.of(
						"{\"customerId\":\"%1$s\",\"operations\":[{\"type\":\"spawn_agent\",\"idempotencyKey\":\"\"}]}",
						400, "invalid_request", "operations[0].idempotencyKey"),
				Arguments.of("{\"customerId\":\"%1$s\",\"operations\":[{\"type\":\"spawn_agent\",\"idempotencyKey\":\""
						+ "k".repeat(201) + "\"}]}", 400, "invalid_request", "operations[0].idempotencyKey"),
				Arguments.of(
						"{\"customerId\":\"%1$s\",\"operations\":[{\"type\":\"spawn_agent\",\"compensation\":\"undo\"}]}",
						400, "invalid_request", "operations[0].compensation"),
				Arguments.of(
						"{\"customerId\":\"%1$s\",\"operations\":[{\"type\":\"spawn_agent\",\"compensation\":{\"type\":5}}]}",
						400, "invalid_request", "operations[0].compensation"),
				Arguments.of(
						"{\"customerId\":\"%1$s\",\"operations\":[{\"type\":\"spawn_agent\",\"compensation\":{\"payload\":{}}}]}",
						400, "invalid_request", "operations[0].compensation"),
				Arguments.of(
						"{\"customerId\":\"%1$s\",\"operations\":[{\"type\":\"spawn_agent\",\"compensation\":{\"type\":\"Undo It\"}}]}",
						400, "invalid_request", "operations[0].compensation"),
				Arguments.of(
						"{\"customerId\":\"%1$s\",\"operations\":[{\"type\":\"spawn_agent\",\"compensation\":[]}]}",
						400, "invalid_request", "operations[0].compensation"),
				Arguments.of("{\"customerId\":\"%1$s\",\"region\":\"EU_WEST\",\"operations\":" + ONE + "}", 400,
						"invalid_request", "region"),
				Arguments.of("{\"customerId\":\"%1$s\",\"region\":\"\",\"operations\":" + ONE + "}", 400,
						"invalid_request", "region"),
				Arguments.of("{\"customerId\":\"%1$s\",\"maxAttempts\":0,\"operations\":" + ONE + "}", 400,
						"invalid_request", "maxAttempts"),
				Arguments.of("{\"customerId\":\"%1$s\",\"maxAttempts\":11,\"operations\":" + ONE + "}", 400,
						"invalid_request", "maxAttempts"),
				Arguments.of("{\"customerId\":\"%1$s\",\"maxAttempts\":2.5,\"operations\":" + ONE + "}", 400,
						"invalid_request", "maxAttempts"),
				Arguments.of("{\"customerId\":\"%1$s\",\"operationTimeoutSeconds\":0,\"operations\":" + ONE + "}", 400,
						"invalid_request", "operationTimeoutSeconds"),
				Arguments.of("{\"customerId\":\"%1$s\",\"operationTimeoutSeconds\":3601,\"operations\":" + ONE + "}",
						400, "invalid_request", "operationTimeoutSeconds"),
				Arguments.of(
						"{\"customerId\":\"%1$s\",\"operationTimeoutSeconds\":99999999999,\"operations\":" + ONE + "}",
						400, "invalid_request", "operationTimeoutSeconds"),
				Arguments.of("{\"customerId\":\"%1$s\",\"batchTimeoutSeconds\":0,\"operations\":" + ONE + "}", 400,
						"invalid_request", "batchTimeoutSeconds"),
				Arguments.of("{\"customerId\":\"%1$s\",\"batchTimeoutSeconds\":86401,\"operations\":" + ONE + "}", 400,
						"invalid_request", "batchTimeoutSeconds"),
				Arguments.of("{\"customerId\":\"%1$s\",\"continueOnError\":\"maybe\",\"operations\":" + ONE + "}", 400,
						"invalid_request", "continueOnError"),
				Arguments.of("{\"customerId\":\"%1$s\",\"failFast\":[],\"operations\":" + ONE + "}", 400,
						"invalid_request", "failFast"),
				Arguments.of("{\"customerId\":\"%1$s\",\"priority\":10,\"operations\":" + ONE + "}", 400,
						"invalid_request", "priority"),
				Arguments.of("{\"customerId\":\"%1$s\",\"metadata\":\"x\",\"operations\":" + ONE + "}", 400,
						"invalid_request", "metadata"),
				Arguments.of("{\"customerId\":\"%1$s\",\"metadata\":" + metadataOf(51) + ",\"operations\":" + ONE + "}",
						400, "invalid_request", "metadata"),
				Arguments.of("{\"customerId\":\"%1$s\",\"operations\":" + manyOperations(10_001) + "}", 400,
						"invalid_request", "operations"));
	}

	@ParameterizedTest(name = "[{index}] {1} {2} {3}")
	@MethodSource("badSubmissions")
	void aBadSubmissionIsRefusedNamingWhatIsWrongAndStoresNothing(String body, int status, String code, String field) {
		// given
		var customer = customerOn("free");

		// when
		var response = submitting(api, body.formatted(customer));

		// then
		var problem = assertProblem(response, status, code);
		if (field != null) {
			assertThat(problem.path("errors").valueStream().map(e -> e.path("field").asString()))
				.as(response.toString())
				.contains(field);
		}
		assertThat(listed(customer)).isEmpty();
	}

	@Test
	void metadataWithANullValueIsNeverAnInternalError() {
		// given
		var customer = customerOn("free");

		// when
		var response = submitting(api,
				"{\"customerId\":\"%s\",\"metadata\":{\"team\":null},\"operations\":%s}".formatted(customer, ONE));

		// then: stored, or refused as bad input
		assertThat(response.status()).as(response.toString()).isIn(202, 400);
	}

	@Test
	void aBatchOfTheMostOperationsAllowedIsAccepted() {
		// given: the default catalog puts no size on batches; the API allows 10,000
		var customer = customerOn("free");

		// when
		var response = submitting(api, "{\"customerId\":\"%s\",\"region\":\"fail-largest\",\"operations\":%s}"
			.formatted(customer, manyOperations(10_000)));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(202);
		assertThat(response.body().path("operationCount").asInt()).isEqualTo(10_000);
	}

	// --- reading and cancelling

	@Test
	void anotherCustomersBatchIsNotFoundAndLeftAlone() {
		// given
		var owner = customerOn("free");
		var other = customerOn("free");
		var submitted = submit(batch(owner, "fail-other", operations(1)));
		var id = submitted.path("id").asString();
		var asOther = "?customerId=" + Api.encode(other);

		// when
		var read = api.get("/v1/batches/" + id + asOther);
		var cancelled = api.delete("/v1/batches/" + id + asOther);
		var events = api.get("/v1/batches/" + id + "/events" + asOther);
		var listed = listed(other);

		// then
		assertThat(assertProblem(read, 404, "batch_not_found").path("id").asString()).isEqualTo(id);
		assertProblem(cancelled, 404, "batch_not_found");
		assertProblem(events, 404, "batch_not_found");
		assertThat(read.text()).doesNotContain(owner);
		assertThat(listed).isEmpty();
		assertThat(status(submitted)).isEqualTo("processing");
	}

	@Test
	void anEndUsersTokenReadsItsCustomersBatchesOnly() {
		// given: the product's backend submits for two customers and mints a token for
		// one
		var owner = customerOn("free");
		var other = customerOn("free");
		var mine = submit(batch(owner, "fail-mine", operations(1)));
		var theirs = submit(batch(other, "fail-theirs", operations(1)));
		var minted = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", owner)));
		assertThat(minted.status()).as(minted.toString()).isEqualTo(201);
		var me = anonymous.withKey(minted.body().path("token").asString());

		// when
		var listed = me.get("/v1/me/batches");
		var read = me.get("/v1/me/batches/" + mine.path("id").asString());
		var foreign = me.get("/v1/me/batches/" + theirs.path("id").asString());
		var foreignEvents = me.get("/v1/me/batches/" + theirs.path("id").asString() + "/events");
		var events = me.get("/v1/me/batches/events");

		// then
		assertThat(listed.status()).as(listed.toString()).isEqualTo(200);
		assertThat(listed.body().path("data").findValuesAsString("id")).containsExactly(mine.path("id").asString());
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.body().path("customerId").asString()).isEqualTo(owner);
		assertProblem(foreign, 404, "batch_not_found");
		assertProblem(foreignEvents, 404, "batch_not_found");
		assertThat(events.status()).isEqualTo(200);
		assertProblem(me.get("/v1/me/batches?status=nonsense"), 400, "invalid_request");
		assertProblem(me.get("/v1/me/batches/not-a-uuid"), 400, "invalid_request");
		assertThat(api.get("/v1/me/batches").status()).as("a server key names the customer instead").isIn(401, 403);
		assertThat(anonymous.get("/v1/me/batches").status()).isEqualTo(401);
		assertThat(me.delete("/v1/batches/" + mine.path("id").asString() + "?customerId=" + owner).status())
			.as("cancelling is the product's backend's")
			.isEqualTo(403);
		assertThat(status(theirs)).isEqualTo("processing");
	}

	@Test
	void anUnknownBatchIsNotFound() {
		// given
		var customer = customerOn("free");
		var path = "/v1/batches/" + UUID.randomUUID();

		// when / then
		assertProblem(api.get(path + "?customerId=" + customer), 404, "batch_not_found");
		assertProblem(api.delete(path + "?customerId=" + customer), 404, "batch_not_found");
		assertProblem(api.get(path + "/events?customerId=" + customer), 404, "batch_not_found");
	}

	@Test
	void aBatchOfAnUnknownCustomerIsNotFound() {
		// given
		var submitted = submit(batch(customerOn("free"), "fail-unknown-customer", operations(1)));
		var path = "/v1/batches/" + submitted.path("id").asString() + "?customerId=" + uniqueId("nobody");

		// when / then
		assertProblem(api.get(path), 404, "customer_not_found");
		assertProblem(api.delete(path), 404, "customer_not_found");
		assertThat(status(submitted)).isEqualTo("processing");
	}

	@ParameterizedTest
	@ValueSource(strings = { "not-a-uuid", "1234", "00000000-0000-0000-0000-00000000000g" })
	void aMalformedBatchIdIsABadRequest(String id) {
		// given
		var customer = customerOn("free");

		// when / then
		assertProblem(api.get("/v1/batches/" + id + "?customerId=" + customer), 400, "invalid_request");
		assertProblem(api.delete("/v1/batches/" + id + "?customerId=" + customer), 400, "invalid_request");
		assertProblem(api.get("/v1/batches/" + id + "/events?customerId=" + customer), 400, "invalid_request");
	}

	@Test
	void readingWithoutNamingTheCustomerIsABadRequest() {
		// given
		var submitted = submit(batch(customerOn("free"), "fail-no-customer", operations(1)));
		var path = "/v1/batches/" + submitted.path("id").asString();

		// when / then
		assertProblem(api.get(path), 400, "invalid_request");
		assertProblem(api.delete(path), 400, "invalid_request");
		assertProblem(api.get(path + "/events"), 400, "invalid_request");
		assertProblem(api.get("/v1/batches"), 400, "invalid_request");
		assertThat(status(submitted)).isEqualTo("processing");
	}

	@ParameterizedTest
	@ValueSource(strings = { "&status=bogus", "&status=", "&cursor=garbage!", "&cursor=eA", "&limit=0", "&limit=201",
			"&limit=abc", "&limit=-1" })
	void aListWithABadParameterIsABadRequest(String query) {
		// given
		var customer = customerOn("free");

		// when
		var response = api.get("/v1/batches?customerId=" + customer + query);

		// then
		assertProblem(response, 400, "invalid_request");
	}

	@Test
	void aCursorThatWasNotGivenOutIsABadRequest() {
		// given
		var customer = customerOn("free");
		var forged = Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString("yesterday someone".getBytes(StandardCharsets.UTF_8));

		// when
		var response = api.get("/v1/batches?customerId=" + customer + "&cursor=" + forged);

		// then
		assertThat(assertProblem(response, 400, "invalid_request").path("errors").get(0).path("field").asString())
			.isEqualTo("cursor");
	}

	@ParameterizedTest
	@ValueSource(strings = { "&after=-1", "&after=x", "&limit=0", "&limit=1001" })
	void eventsWithABadParameterAreABadRequest(String query) {
		// given
		var submitted = submit(batch(customerOn("free"), "fail-events", operations(1)));

		// when
		var response = api.get(eventsPath(submitted) + query);

		// then
		assertProblem(response, 400, "invalid_request");
	}

	// --- the worker's side

	/** A batch of one operation, taken by worker w1. */
	private JsonNode runningTask(String region) {
		submit(batch(customerOn("free"), region, operations(1)));
		var tasks = poll("w1", region, 1, 2);
		assertThat(tasks).hasSize(1);
		return tasks.get(0);
	}

	@Test
	void anUnknownOperationIsNotFound() {
		// given
		var id = UUID.randomUUID().toString();

		// when / then
		assertProblem(api.post(operationPath(id, "heartbeat"), "{\"workerId\":\"w1\"}"), 404, "operation_not_found");
		assertProblem(api.post(operationPath(id, "complete"), "{\"workerId\":\"w1\"}"), 404, "operation_not_found");
		assertProblem(api.post(operationPath(id, "fail"), "{\"workerId\":\"w1\",\"error\":{\"message\":\"x\"}}"), 404,
				"operation_not_found");
	}

	@Test
	void aMalformedOperationIdIsABadRequest() {
		// when / then
		assertProblem(api.post(operationPath("nope", "heartbeat"), "{\"workerId\":\"w1\"}"), 400, "invalid_request");
		assertProblem(api.post(operationPath("nope", "complete"), "{\"workerId\":\"w1\"}"), 400, "invalid_request");
		assertProblem(api.post(operationPath("nope", "fail"), "{\"workerId\":\"w1\",\"error\":{\"message\":\"x\"}}"),
				400, "invalid_request");
	}

	@Test
	void anotherWorkersOperationCannotBeTouched() {
		// given
		var task = runningTask("fail-other-worker");

		// when
		var beat = heartbeat("w2", task, 10, null);
		var completed = completing("w2", task);
		var failed = failing("w2", task, "not mine", false);

		// then
		assertProblem(beat, 409, "operation_lease_lost");
		assertProblem(completed, 409, "operation_lease_lost");
		assertProblem(failed, 409, "operation_lease_lost");
		assertThat(heartbeat("w1", task, null, null).status()).as("w1 still holds it").isEqualTo(200);
		complete("w1", task);
	}

	@Test
	void anOperationEndsOnlyOnce() {
		// given
		var task = runningTask("fail-twice");
		complete("w1", task);

		// when
		var again = completing("w1", task);
		var failed = failing("w1", task, "late", false);
		var beat = heartbeat("w1", task, 100, null);

		// then
		assertProblem(again, 409, "operation_lease_lost");
		assertProblem(failed, 409, "operation_lease_lost");
		assertProblem(beat, 409, "operation_lease_lost");
	}

	static Stream<Arguments> badWorkerReports() {
		return Stream.of(Arguments.of("heartbeat", "{}", "workerId"),
				Arguments.of("heartbeat", "{\"workerId\":\"w 1\"}", "workerId"),
				Arguments.of("heartbeat", "{\"workerId\":\"w1\",\"progress\":101}", "progress"),
				Arguments.of("heartbeat", "{\"workerId\":\"w1\",\"progress\":-1}", "progress"),
				Arguments.of("heartbeat", "{\"workerId\":\"w1\",\"progress\":\"half\"}", "progress"),
				Arguments.of("heartbeat", "{\"workerId\":\"w1\",\"message\":\"" + "m".repeat(501) + "\"}", "message"),
				Arguments.of("heartbeat", "{\"workerId\":\"w1\",", null),
				Arguments.of("complete", "{\"result\":{}}", "workerId"),
				Arguments.of("complete", "{\"workerId\":\"w1\",\"extra\":1}", "extra"),
				Arguments.of("fail", "{\"workerId\":\"w1\"}", "error"),
				Arguments.of("fail", "{\"workerId\":\"w1\",\"error\":{}}", "error.message"),
				Arguments.of("fail", "{\"workerId\":\"w1\",\"error\":{\"message\":\"\"}}", "error.message"),
				Arguments.of("fail", "{\"workerId\":\"w1\",\"error\":{\"message\":\"" + "m".repeat(2001) + "\"}}",
						"error.message"),
				Arguments.of("fail", "{\"workerId\":\"w1\",\"error\":{\"message\":\"x\",\"code\":\"bad code!\"}}",
						"error.code"),
				Arguments.of("fail", "{\"workerId\":\"w1\",\"error\":{\"message\":\"x\"},\"retryable\":\"perhaps\"}",
						"retryable"),
				Arguments.of("fail", "{\"workerId\":\"w1\",\"error\":\"boom\"}", "error"));
	}

	@ParameterizedTest(name = "[{index}] {0} {2}")
	@MethodSource("badWorkerReports")
	void aBadWorkerReportIsRefusedAndTheOperationRunsOn(String action, String body, String field) {
		// given
		var task = runningTask("fail-report-" + action);

		// when
		var response = api.post(operationPath(task, action), body);

		// then
		var problem = assertProblem(response, 400, field == null ? "malformed_json" : "invalid_request");
		if (field != null) {
			assertThat(problem.path("errors").valueStream().map(e -> e.path("field").asString()))
				.as(response.toString())
				.contains(field);
		}
		var operation = read(
				api.get("/v1/batches?customerId=" + task.path("customerId").asString()).body().path("data").get(0))
			.path("operations")
			.get(0);
		assertThat(operation.path("status").asString()).isEqualTo("running");
		assertThat(operation.has("progress")).isFalse();
		complete("w1", task);
	}

	static Stream<Arguments> badPolls() {
		return Stream.of(Arguments.of("{\"workerId\":\"w1\",\"regions\":[]}", "regions"),
				Arguments.of("{\"workerId\":\"w1\"}", "regions"),
				Arguments.of("{\"workerId\":\"w1\",\"regions\":\"fail-poll\"}", "regions"),
				Arguments.of("{\"workerId\":\"w1\",\"regions\":[null]}", "regions[0]"),
				Arguments.of("{\"workerId\":\"w1\",\"regions\":[\"EU\"]}", "regions[0]"),
				Arguments.of("{\"regions\":[\"fail-poll\"]}", "workerId"),
				Arguments.of("{\"workerId\":\"\",\"regions\":[\"fail-poll\"]}", "workerId"),
				Arguments.of("{\"workerId\":\"w1\",\"regions\":[\"fail-poll\"],\"max\":0}", "max"),
				Arguments.of("{\"workerId\":\"w1\",\"regions\":[\"fail-poll\"],\"max\":101}", "max"),
				Arguments.of("{\"workerId\":\"w1\",\"regions\":[\"fail-poll\"],\"waitSeconds\":31}", "waitSeconds"),
				Arguments.of("{\"workerId\":\"w1\",\"regions\":[\"fail-poll\"],\"waitSeconds\":-1}", "waitSeconds"),
				Arguments.of("{\"workerId\":\"w1\",\"regions\":[\"fail-poll\"],\"types\":[\"Spawn\"]}", "types[0]"),
				Arguments.of("{\"workerId\":\"w1\",\"regions\":[\"fail-poll\"],\"types\":\"spawn_agent\"}", "types"),
				Arguments.of("{\"workerId\":\"w1\",\"regions\":[\"fail-poll\"],\"max\":1.5}", "max"),
				Arguments.of("{\"workerId\":\"w1\",\"regions\":[\"fail-poll\"]", null));
	}

	@ParameterizedTest(name = "[{index}] {1}")
	@MethodSource("badPolls")
	void aBadPollIsRefusedAndTakesNothing(String body, String field) {
		// given
		var submitted = submit(batch(customerOn("free"), "fail-poll", operations(1)));

		// when
		var response = api.post("/v1/worker/poll", body);

		// then
		var problem = assertProblem(response, 400, field == null ? "malformed_json" : "invalid_request");
		if (field != null) {
			assertThat(problem.path("errors").valueStream().map(e -> e.path("field").asString()))
				.as(response.toString())
				.contains(field);
		}
		assertThat(read(submitted).path("counts").path("ready").asInt()).as("the operation is still ready")
			.isEqualTo(1);
	}

	// --- credentials and idempotency

	@Test
	void everyBatchAndWorkerEndpointWantsAKey() {
		// given
		var submitted = submit(batch(customerOn("free"), "fail-no-key", operations(1)));
		var id = submitted.path("id").asString();
		var customer = "?customerId=" + submitted.path("customerId").asString();
		var operation = operation(submitted, 0).path("id").asString();
		var wrongKey = api.withKey("pg_sk_notakey0000000000000000000000000000");

		// when
		var answers = new ArrayList<Api.Response>();
		for (var client : List.of(anonymous, wrongKey)) {
			answers.add(client.post("/v1/batches",
					Api.json(batch(submitted.path("customerId").asString(), "fail-no-key", operations(1)))));
			answers.add(client.get("/v1/batches/" + id + customer));
			answers.add(client.get("/v1/batches" + customer));
			answers.add(client.get("/v1/batches/" + id + "/events" + customer));
			answers.add(client.delete("/v1/batches/" + id + customer));
			answers.add(client.post("/v1/worker/poll", pollBody("w1", List.of("fail-no-key"), null, 1, 0)));
			answers.add(client.post(operationPath(operation, "heartbeat"), "{\"workerId\":\"w1\"}"));
			answers.add(client.post(operationPath(operation, "complete"), "{\"workerId\":\"w1\"}"));
			answers.add(client.post(operationPath(operation, "fail"),
					"{\"workerId\":\"w1\",\"error\":{\"message\":\"x\"}}"));
		}

		// then
		assertThat(answers).allSatisfy(answer -> assertProblem(answer, 401, "unauthenticated"));
		assertThat(listed(submitted.path("customerId").asString())).hasSize(1);
		assertThat(read(submitted).path("counts").path("ready").asInt()).isEqualTo(1);
	}

	@Test
	void aWorkerKeyMayUseTheWorkerApiAndNothingElse() {
		// given
		var created = api.post("/v1/api-keys", "{\"name\":\"batch workers\",\"kind\":\"worker\"}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		var workerKey = api.withKey(created.body().path("secret").asString());
		var customer = customerOn("free");
		var submitted = submit(batch(customer, "fail-worker-key", operations(1)));

		// when
		var answers = List.of(
				workerKey.post("/v1/batches", Api.json(batch(customer, "fail-worker-key", operations(1)))),
				workerKey.get(batchPath(submitted)), workerKey.get("/v1/batches?customerId=" + customer),
				workerKey.get(eventsPath(submitted)), workerKey.delete(batchPath(submitted)));
		var polled = workerKey.post("/v1/worker/poll", pollBody("wk", List.of("fail-worker-key"), null, 1, 2));

		// then
		assertThat(answers).allSatisfy(answer -> assertProblem(answer, 403, "forbidden"));
		assertThat(listed(customer)).hasSize(1);
		assertThat(polled.status()).as(polled.toString()).isEqualTo(200);
		var task = polled.body().path("operations").get(0);
		assertThat(workerKey.post(operationPath(task, "heartbeat"), "{\"workerId\":\"wk\"}").status()).isEqualTo(200);
		assertThat(workerKey.post(operationPath(task, "complete"), "{\"workerId\":\"wk\"}").status()).isEqualTo(204);
		awaitStatus(submitted, "completed");
	}

	@Test
	void aSubmissionRepeatedWithItsIdempotencyKeyCreatesOneBatch() {
		// given
		var customer = customerOn("free");
		var body = Api.json(batch(customer, "fail-idempotent", operations(2)));
		var key = Map.of("Idempotency-Key", UUID.randomUUID().toString());

		// when
		var first = api.send("POST", "/v1/batches", body, key);
		var second = api.send("POST", "/v1/batches", body, key);
		var other = api.send("POST", "/v1/batches", Api.json(batch(customer, "fail-idempotent", operations(1))), key);

		// then
		assertThat(first.status()).as(first.toString()).isEqualTo(202);
		assertThat(second.status()).as(second.toString()).isEqualTo(202);
		assertThat(second.body().path("id").asString()).isEqualTo(first.body().path("id").asString());
		assertThat(second.header("Idempotent-Replayed")).isEqualTo("true");
		assertProblem(other, 422, "idempotency_key_reused");
		assertThat(listed(customer)).hasSize(1);
		assertThat(poll("w1", "fail-idempotent", 10, 1)).hasSize(2);
	}

}

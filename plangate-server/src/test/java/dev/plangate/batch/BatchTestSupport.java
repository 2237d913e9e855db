package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.springframework.test.context.DynamicPropertyRegistry;

import dev.plangate.support.Api;
import dev.plangate.support.Examples;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * What the batch tests share: a customer on a plan, a batch submitted and read, a worker
 * played by the test, and an end to every batch a test started, so that the next test of
 * the class finds the system cap free and the queues empty.
 *
 * <p>
 * Each class runs on a database of its own, since the system-wide cap and the queues are
 * shared by everything in one database; each test uses regions of its own, so that its
 * workers never take another test's operations.
 */
abstract class BatchTestSupport extends ServerTest {

	static final Set<String> FINAL = Set.of("completed", "completed_with_errors", "failed", "cancelled", "rolled_back",
			"rollback_failed");

	/** Batches this test submitted: id to customer. */
	private final Map<String, String> submitted = new ConcurrentHashMap<>();

	/**
	 * The customers this test created: a batch stored though its submission was not
	 * answered 202 is found through them.
	 */
	private final Set<String> customers = ConcurrentHashMap.newKeySet();

	/** The regions of the batches this test submitted. */
	private final Set<String> regions = ConcurrentHashMap.newKeySet();

	/** Operations this test's workers hold: id to the worker and the node it polled. */
	private final Map<String, Holder> held = new ConcurrentHashMap<>();

	private record Holder(Api node, String worker) {
	}

	/**
	 * Points the class's server at database {@code database}, on the example catalog
	 * {@code catalog} (the default catalog when null), with {@code plangate.batches.*}
	 * settings.
	 */
	static void configure(DynamicPropertyRegistry registry, String database, @Nullable String catalog,
			Map<String, String> batches) {
		FreshDatabase.register(registry, database);
		if (catalog != null) {
			registry.add("plangate.catalog", () -> example(catalog));
		}
		batches.forEach((key, value) -> registry.add("plangate.batches." + key, () -> value));
	}

	/** The example catalog {@code fileName}, where surefire says the examples are. */
	static String example(String fileName) {
		return Examples.file(fileName);
	}

	static ConditionFactory eventually() {
		return Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50));
	}

	// --- customers

	/** A new customer on {@code plan}, in no region. */
	protected String customerOn(String plan) {
		return customerOn(plan, null);
	}

	/** A new customer on {@code plan} whose preferred region is {@code region}. */
	protected String customerOn(String plan, @Nullable String region) {
		var id = uniqueId(plan);
		var body = new LinkedHashMap<String, Object>();
		body.put("name", plan);
		body.put("email", id + "@example.com");
		if (region != null) {
			body.put("region", region);
		}
		var created = api.put(customerPath(id), Api.json(body));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		customers.add(id);
		if (!"free".equals(plan)) {
			var changed = api.post(customerPath(id) + "/subscription", "{\"plan\":\"" + plan + "\"}");
			assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
		}
		return id;
	}

	protected void override(String customerId, String feature, Object value) {
		var response = api.put(customerPath(customerId) + "/overrides/" + feature, Api.json(Map.of("value", value)));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	static String customerPath(String customerId) {
		return "/v1/customers/" + Api.encode(customerId);
	}

	// --- submitting and reading

	/**
	 * {@code n} operations of type {@code spawn_agent}, each with its number as payload.
	 */
	static List<Map<String, Object>> operations(int n) {
		var operations = new ArrayList<Map<String, Object>>();
		for (int i = 0; i < n; i++) {
			operations.add(Map.of("type", "spawn_agent", "payload", Map.of("n", i)));
		}
		return operations;
	}

	/**
	 * A submission body: the customer, the region (absent when null), the operations,
	 * then further fields as name, value pairs.
	 */
	static Map<String, Object> batch(String customerId, @Nullable String region, List<?> operations, Object... fields) {
		var body = new LinkedHashMap<String, Object>();
		body.put("customerId", customerId);
		if (region != null) {
			body.put("region", region);
		}
		body.put("operations", operations);
		for (int i = 0; i < fields.length; i += 2) {
			body.put((String) fields[i], fields[i + 1]);
		}
		return body;
	}

	protected Api.Response submitting(Map<String, Object> body) {
		return submitting(api, Api.json(body));
	}

	protected Api.Response submitting(Api node, String body) {
		var response = node.post("/v1/batches", body);
		if (response.status() == 202) {
			var answer = response.body();
			submitted.put(answer.path("id").asString(), answer.path("customerId").asString());
			regions.add(answer.path("region").asString());
		}
		return response;
	}

	/** Submits a batch that must be accepted; answers it. */
	protected JsonNode submit(Map<String, Object> body) {
		var response = submitting(body);
		assertThat(response.status()).as(response.toString()).isEqualTo(202);
		return response.body();
	}

	static String batchPath(JsonNode batch) {
		return "/v1/batches/" + batch.path("id").asString() + "?customerId="
				+ Api.encode(batch.path("customerId").asString());
	}

	static String eventsPath(JsonNode batch) {
		return "/v1/batches/" + batch.path("id").asString() + "/events?customerId="
				+ Api.encode(batch.path("customerId").asString());
	}

	/** The batch as it is now, with its operations. */
	protected JsonNode read(JsonNode batch) {
		var response = api.get(batchPath(batch));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	protected String status(JsonNode batch) {
		return read(batch).path("status").asString();
	}

	/** Waits until the batch has {@code status}; answers it then. */
	protected JsonNode awaitStatus(JsonNode batch, String status) {
		eventually().alias(batch.path("id").asString() + " becomes " + status)
			.until(() -> status(batch).equals(status));
		return read(batch);
	}

	protected List<JsonNode> events(JsonNode batch) {
		// pages show events once they have settled, a moment after they are written
		try {
			Thread.sleep(BatchService.SETTLED.toMillis() + 200);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		var response = api.get(eventsPath(batch));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var events = new ArrayList<JsonNode>();
		response.body().path("data").forEach(events::add);
		return events;
	}

	protected List<String> eventTypes(JsonNode batch) {
		return events(batch).stream().map(e -> e.path("type").asString()).toList();
	}

	/** The batch's events of {@code type}. */
	protected List<JsonNode> events(JsonNode batch, String type) {
		return events(batch).stream().filter(e -> e.path("type").asString().equals(type)).toList();
	}

	protected Api.Response cancel(JsonNode batch) {
		return api.delete(batchPath(batch));
	}

	/** The batch's operation {@code seq} as read now. */
	protected JsonNode operation(JsonNode batch, int seq) {
		for (var o : read(batch).path("operations")) {
			if (o.path("seq").asInt() == seq) {
				return o;
			}
		}
		throw new AssertionError("no operation " + seq + " in " + read(batch));
	}

	// --- the worker's side

	static String pollBody(String worker, List<String> regions, @Nullable List<String> types, int max,
			int waitSeconds) {
		var body = new LinkedHashMap<String, Object>();
		body.put("workerId", worker);
		body.put("regions", regions);
		if (types != null) {
			body.put("types", types);
		}
		body.put("max", max);
		body.put("waitSeconds", waitSeconds);
		return Api.json(body);
	}

	protected List<JsonNode> poll(String worker, String region, int max, int waitSeconds) {
		return poll(api, worker, List.of(region), null, max, waitSeconds);
	}

	/**
	 * Takes operations as {@code worker} on {@code node}; the poll must be answered 200.
	 */
	protected List<JsonNode> poll(Api node, String worker, List<String> regions, @Nullable List<String> types, int max,
			int waitSeconds) {
		var response = node.post("/v1/worker/poll", pollBody(worker, regions, types, max, waitSeconds));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var taken = new ArrayList<JsonNode>();
		for (var task : response.body().path("operations")) {
			taken.add(task);
			held.put(task.path("id").asString(), new Holder(node, worker));
		}
		return taken;
	}

	static String operationPath(JsonNode task, String action) {
		return operationPath(task.path("id").asString(), action);
	}

	static String operationPath(String operationId, String action) {
		return "/v1/worker/operations/" + operationId + "/" + action;
	}

	protected Api.Response heartbeat(String worker, JsonNode task, @Nullable Integer progress,
			@Nullable String message) {
		var body = new LinkedHashMap<String, Object>();
		body.put("workerId", worker);
		if (progress != null) {
			body.put("progress", progress);
		}
		if (message != null) {
			body.put("message", message);
		}
		return api.post(operationPath(task, "heartbeat"), Api.json(body));
	}

	protected Api.Response completing(String worker, JsonNode task) {
		return completing(api, worker, task);
	}

	protected Api.Response completing(Api node, String worker, JsonNode task) {
		var response = node.post(operationPath(task, "complete"),
				Api.json(Map.of("workerId", worker, "result", Map.of("done", task.path("seq").asInt()))));
		if (response.status() == 204) {
			held.remove(task.path("id").asString());
		}
		return response;
	}

	protected void complete(String worker, JsonNode task) {
		var response = completing(worker, task);
		assertThat(response.status()).as(response.toString()).isEqualTo(204);
	}

	protected Api.Response failing(String worker, JsonNode task, String message, boolean retryable) {
		var response = api.post(operationPath(task, "fail"), Api.json(Map.of("workerId", worker, "error",
				Map.of("message", message, "code", "agent_down"), "retryable", retryable)));
		if (response.status() == 204) {
			held.remove(task.path("id").asString());
		}
		return response;
	}

	protected void fail(String worker, JsonNode task, boolean retryable) {
		var response = failing(worker, task, "boom", retryable);
		assertThat(response.status()).as(response.toString()).isEqualTo(204);
	}

	// --- answers

	static JsonNode assertProblem(Api.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
		assertThat(response.code()).as(response.toString()).isEqualTo(code);
		return response.body();
	}

	static List<String> ids(List<JsonNode> nodes) {
		return nodes.stream().map(n -> n.path("id").asString()).toList();
	}

	static List<Integer> seqs(List<JsonNode> tasks) {
		return tasks.stream().map(t -> t.path("seq").asInt()).toList();
	}

	// --- cleaning up

	/**
	 * Ends every batch this test submitted: cancels it, fails what the test's workers
	 * still hold, and takes (and fails) whatever else its regions hand out, until all
	 * have ended.
	 */
	@AfterEach
	void endWhatThisTestStarted() {
		for (var customer : customers) {
			for (var batch : api.get("/v1/batches?limit=200&customerId=" + Api.encode(customer)).body().path("data")) {
				submitted.put(batch.path("id").asString(), customer);
				regions.add(batch.path("region").asString());
			}
		}
		held.forEach((id, holder) -> holder.node()
			.post(operationPath(id, "fail"), Api.json(
					Map.of("workerId", holder.worker(), "error", Map.of("message", "test over"), "retryable", false))));
		held.clear();
		Awaitility.await()
			.atMost(Duration.ofSeconds(60))
			.pollInterval(Duration.ofMillis(100))
			.alias("every batch of the test ends")
			.until(() -> {
				boolean allEnded = true;
				for (var entry : submitted.entrySet()) {
					var path = "/v1/batches/" + entry.getKey() + "?customerId=" + Api.encode(entry.getValue());
					var status = api.get(path).body().path("status").asString();
					if (!FINAL.contains(status)) {
						allEnded = false;
						api.delete(path);
					}
				}
				if (!allEnded) {
					var tasks = api.post("/v1/worker/poll", pollBody("janitor", List.copyOf(regions), null, 100, 0))
						.body()
						.path("operations");
					for (var task : tasks) {
						api.post(operationPath(task, "fail"), Api.json(Map.of("workerId", "janitor", "error",
								Map.of("message", "test over"), "retryable", false)));
					}
				}
				return allEnded;
			});
		submitted.clear();
		regions.clear();
		customers.clear();
	}

}

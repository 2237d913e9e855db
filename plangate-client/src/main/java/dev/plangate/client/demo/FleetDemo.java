package dev.plangate.client.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import dev.plangate.client.OperationContext;
import dev.plangate.client.PermanentFailure;
import dev.plangate.client.PlangateWorker;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A newcomer's end-to-end look at batches: a worker runs {@code spawn_agent},
 * {@code update_config}, {@code health_check} and {@code terminate_agent} against an
 * in-memory fleet, while the demo submits batches for a customer and prints their events
 * live as Plangate streams them.
 *
 * <p>
 * Run it against a running server with its server key:
 * {@code PLANGATE_API_KEY=pg_sk_… ./mvnw -q -pl plangate-client compile exec:java}
 * ({@code PLANGATE_URL} names a server elsewhere than {@code http://localhost:8080}). The
 * worker key it makes for its worker is revoked when it ends.
 */
public final class FleetDemo {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Set<String> FINAL = Set.of("completed", "completed_with_errors", "failed", "cancelled",
			"rolled_back", "rollback_failed");

	private final HttpClient http = HttpClient.newHttpClient();

	private final URI base;

	private final String serverKey;

	/** The fleet the worker manages: agent name → its configuration. */
	private final Map<String, String> fleet = new ConcurrentHashMap<>();

	private FleetDemo(URI base, String serverKey) {
		this.base = base;
		this.serverKey = serverKey;
	}

	public static void main(String[] args) throws Exception {
		var key = System.getenv("PLANGATE_API_KEY");
		if (key == null || key.isBlank()) {
			System.err.println("Set PLANGATE_API_KEY to a server key (the one printed at first start).");
			System.exit(2);
		}
		var url = System.getenv().getOrDefault("PLANGATE_URL", "http://localhost:8080");
		new FleetDemo(URI.create(url), key.strip()).run();
	}

	private void run() throws Exception {
		var customer = "fleet-demo";
		call("PUT", "/v1/customers/" + customer, "{\"name\":\"Fleet demo\"}");
		var created = call("POST", "/v1/api-keys", "{\"name\":\"fleet demo worker\",\"kind\":\"worker\"}");
		try {
			runWith(customer, created.path("secret").asString());
		}
		finally {
			call("DELETE", "/v1/api-keys/" + created.path("id").asString(), null);
		}
		System.out.println("\nDone. The fleet now holds " + fleet.size() + " agents.");
	}

	private void runWith(String customer, String workerKey) throws Exception {
		var follower = new Thread(() -> follow(customer), "demo-events");
		follower.setDaemon(true);
		follower.start();
		try (var worker = PlangateWorker.builder(base, workerKey)
			.workerId("fleet-demo-worker")
			.regions("default")
			.concurrency(3)
			.pollWait(Duration.ofSeconds(2))
			.heartbeatEvery(Duration.ofMillis(500))
			.handle("spawn_agent", this::spawn)
			.handle("terminate_agent", this::terminate)
			.handle("update_config", this::updateConfig)
			.handle("health_check", this::healthCheck)
			.start()) {
			runBatch(customer, "spawn five agents", operations("spawn_agent", "terminate_agent"));
			runBatch(customer, "roll out a new configuration", operations("update_config", null));
			runBatch(customer, "check every agent", operations("health_check", null));
			runBatch(customer, "terminate the fleet", operations("terminate_agent", null));
		}
	}

	private static String operations(String type, String compensation) {
		var operations = JSON.createArrayNode();
		for (int i = 1; i <= 5; i++) {
			var operation = operations.addObject().put("type", type).put("idempotencyKey", type + "-agent-" + i);
			operation.putObject("payload").put("agent", "agent-" + i).put("config", "v2");
			if (compensation != null) {
				operation.putObject("compensation")
					.put("type", compensation)
					.putObject("payload")
					.put("agent", "agent-" + i);
			}
		}
		return operations.toString();
	}

	private void runBatch(String customer, String what, String operations) throws Exception {
		System.out.println("\n== " + what);
		var batch = call("POST", "/v1/batches",
				"{\"customerId\":\"" + customer + "\",\"operations\":" + operations + "}");
		var id = batch.path("id").asString();
		while (true) {
			var state = call("GET", "/v1/batches/" + id + "?customerId=" + customer, null);
			var status = state.path("status").asString();
			if (FINAL.contains(status)) {
				System.out.println("== " + what + ": " + status + " (" + state.path("counts") + ")");
				return;
			}
			Thread.sleep(200);
		}
	}

	private JsonNode spawn(OperationContext operation) throws InterruptedException {
		var agent = operation.payload().path("agent").asString();
		for (int step = 1; step <= 4; step++) {
			Thread.sleep(150);
			operation.progress(step * 25, "booting " + agent);
		}
		fleet.put(agent, "v1");
		return JSON.createObjectNode().put("agent", agent).put("status", "running");
	}

	private JsonNode terminate(OperationContext operation) throws InterruptedException {
		var agent = operation.payload().path("agent").asString();
		Thread.sleep(100);
		fleet.remove(agent);
		return JSON.createObjectNode().put("agent", agent).put("status", "terminated");
	}

	private JsonNode updateConfig(OperationContext operation) throws InterruptedException {
		var agent = operation.payload().path("agent").asString();
		if (!fleet.containsKey(agent)) {
			throw new PermanentFailure("unknown_agent", agent + " is not in the fleet");
		}
		Thread.sleep(120);
		fleet.put(agent, operation.payload().path("config").asString());
		return JSON.createObjectNode().put("agent", agent).put("config", fleet.get(agent));
	}

	private JsonNode healthCheck(OperationContext operation) throws Exception {
		var agent = operation.payload().path("agent").asString();
		Thread.sleep(80);
		// a flaky probe on first tries, to show retries with backoff
		if (operation.attempt() == 1 && ThreadLocalRandom.current().nextInt(3) == 0) {
			throw new IOException("probe of " + agent + " timed out");
		}
		return JSON.createObjectNode().put("agent", agent).put("healthy", fleet.containsKey(agent));
	}

	/** Prints the customer's batch events as Plangate streams them. */
	private void follow(String customer) {
		var request = HttpRequest
			.newBuilder(base.resolve("/v1/batches/events?customerId="
					+ URLEncoder.encode(customer, StandardCharsets.UTF_8) + "&after=" + lastSeq(customer)))
			.header("Authorization", "Bearer " + serverKey)
			.header("Accept", "text/event-stream")
			.build();
		try {
			var response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
			try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = reader.readLine()) != null) {
					if (line.startsWith("data:")) {
						System.out.println("   " + describe(JSON.readTree(line.substring(5))));
					}
				}
			}
		}
		catch (IOException ex) {
			System.err.println("The event stream ended: " + ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private long lastSeq(String customer) {
		try {
			long last = 0;
			JsonNode page;
			do {
				page = call("GET", "/v1/batches/events?customerId=" + customer + "&limit=1000&after=" + last, null);
				for (var event : page) {
					last = event.path("seq").asLong();
				}
			}
			while (page.size() == 1000);
			return last;
		}
		catch (Exception ex) {
			return 0;
		}
	}

	private static String describe(JsonNode event) {
		var data = event.path("data");
		var type = event.path("type").asString();
		if (type.startsWith("operation.")) {
			var what = "#" + data.path("seq").asInt() + " " + data.path("type").asString();
			return switch (type) {
				case "operation.progress" ->
					what + " " + bar(data.path("progress").asInt()) + " " + data.path("message").asString("");
				case "operation.failed" -> what + " failed (attempt " + data.path("attempt").asInt() + "): "
						+ data.path("error").asString() + (data.path("retrying").asBoolean() ? ", retrying" : "");
				default -> what + " " + type.substring("operation.".length());
			};
		}
		return type + (data.isEmpty() ? "" : " " + data);
	}

	private static String bar(int percent) {
		int filled = percent / 10;
		return "[" + "#".repeat(filled) + ".".repeat(10 - filled) + "] " + percent + "%";
	}

	private JsonNode call(String method, String path, String body) throws IOException, InterruptedException {
		var request = HttpRequest.newBuilder(base.resolve(path))
			.header("Authorization", "Bearer " + serverKey)
			.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		var response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
		if (response.statusCode() >= 300) {
			throw new IllegalStateException(
					method + " " + path + " answered " + response.statusCode() + ": " + response.body());
		}
		return response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body());
	}

}

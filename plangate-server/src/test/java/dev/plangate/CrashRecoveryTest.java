package dev.plangate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.plangate.identity.apikey.ServerKeys;
import dev.plangate.support.Api;
import dev.plangate.support.ChildServer;
import tools.jackson.databind.JsonNode;

/**
 * A node killed under load (SIGKILL, as a crash, the OOM killer or a pulled container
 * would) loses nothing it acknowledged. The server runs in a child JVM on the embedded
 * default (an H2 file in the data directory) when PLANGATE_DB_URL is unset, on that
 * PostgreSQL (a schema of its own) otherwise. While senders ingest usage 1,000 events a
 * request, consume a quota, take and release leases, submit batches and complete their
 * operations, the child is killed a moment after their latest answers, then another is
 * started on the same data; each test checks one kind of answer against it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryTest {

	private static final String SCHEMA = "crash_recovery";

	private static final int EVENTS_A_REQUEST = 1_000;

	private static final int INGEST_SENDERS = 3;

	private static final int CONSUME_SENDERS = 3;

	private static final long QUOTA = 1_000_000;

	private static final int LEASE_LIMIT = 10;

	private static final int OPERATIONS_A_BATCH = 5;

	private static final String WORKER = "crash-worker";

	@TempDir
	static Path dataDir;

	private ChildServer server;

	private Api api;

	private final String run = UUID.randomUUID().toString().substring(0, 8);

	private final String region = "crash-" + run;

	private final String consumer = "crash-consumer-" + run;

	private final String leaseHolder = "crash-leases-" + run;

	private final String batchOwner = "crash-batches-" + run;

	private final List<String> ingesters = new ArrayList<>();

	// what was answered before the crash, and what was in flight when it came

	private final Map<String, Queue<String>> ingested = new HashMap<>();

	private final AtomicInteger ingestInFlight = new AtomicInteger();

	private final Map<Integer, Queue<String>> consumed = new HashMap<>();

	private final AtomicInteger consumeInFlight = new AtomicInteger();

	private final Map<String, Boolean> leasesHeld = new LinkedHashMap<>();

	private final List<String> leasesReleased = new ArrayList<>();

	private final AtomicInteger leaseActionsInFlight = new AtomicInteger();

	private final Queue<String> batchesSubmitted = new ConcurrentLinkedQueue<>();

	private final Queue<Completion> completions = new ConcurrentLinkedQueue<>();

	private record Completion(String batchId, String operationId) {
	}

	/** What went wrong in a sender (assertions included). */
	private final Queue<Throwable> senderFailures = new ConcurrentLinkedQueue<>();

	@BeforeAll
	void crashUnderLoadThenRestart() throws Exception {
		// given: a server, and customers for each kind of write
		var key = ServerKeys.generate();
		server = new ChildServer(environment(key), arguments(), dataDir.resolve("server.log"));
		server.start(Duration.ofSeconds(90));
		api = server.api(key);
		for (int i = 0; i < INGEST_SENDERS; i++) {
			var customer = "crash-ingest-" + i + "-" + run;
			createCustomer(customer);
			ingesters.add(customer);
			ingested.put(customer, new ConcurrentLinkedQueue<>());
		}
		createCustomer(consumer);
		override(consumer, "seats", QUOTA);
		createCustomer(leaseHolder);
		override(leaseHolder, "concurrent_jobs", LEASE_LIMIT);
		createCustomer(batchOwner);

		// when: every sender runs until the child is killed, soon after each has had
		// answers
		var crashed = new AtomicBoolean();
		var senders = new ArrayList<Runnable>();
		for (var customer : ingesters) {
			senders.add(() -> ingest(server.api(key), customer, crashed));
		}
		for (int i = 0; i < CONSUME_SENDERS; i++) {
			int sender = i;
			consumed.put(sender, new ConcurrentLinkedQueue<>());
			senders.add(() -> consume(server.api(key), sender, crashed));
		}
		senders.add(() -> churnLeases(server.api(key), crashed));
		senders.add(() -> submitBatches(server.api(key), crashed));
		senders.add(() -> completeOperations(server.api(key), crashed));
		ExecutorService pool = Executors.newFixedThreadPool(senders.size());
		try {
			senders.forEach(sender -> pool.submit(() -> {
				try {
					sender.run();
				}
				catch (Throwable ex) {
					senderFailures.add(ex);
				}
			}));
			awaitAnswers(() -> ingested.values().stream().mapToInt(Queue::size).sum() >= 6
					&& consumed.values().stream().mapToInt(Queue::size).sum() >= 30 && leasesReleased().size() >= 5
					&& batchesSubmitted.size() >= 2 && completions.size() >= 10);
			Thread.sleep(100);
			server.kill();
			crashed.set(true);
			pool.shutdown();
			assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).as("senders stop once the server is gone").isTrue();
			assertThat(senderFailures).as("what the senders were answered").isEmpty();
		}
		finally {
			crashed.set(true);
			pool.shutdownNow();
		}

		server.start(Duration.ofSeconds(90));
		api = server.api(key);
	}

	@AfterAll
	void stopServer() {
		if (server != null) {
			server.close();
		}
	}

	@Test
	void everyAcknowledgedUsageEventIsStillRecorded() {
		for (var customer : ingesters) {
			// given
			var acknowledged = List.copyOf(ingested.get(customer));
			long events = (long) acknowledged.size() * EVENTS_A_REQUEST;

			// when
			long used = used(customer, "seats");
			var repeats = acknowledged.stream().map(request -> api.post("/v1/usage-events", request)).toList();

			// then
			assertThat(used).as(customer + ": at least the acknowledged events, at most one request more")
				.isBetween(events, events + EVENTS_A_REQUEST);
			assertThat(repeats).as("each acknowledged request sent again is all duplicates").allSatisfy(repeat -> {
				assertThat(repeat.status()).as(repeat.toString()).isEqualTo(200);
				assertThat(repeat.body().path("duplicates").asInt()).isEqualTo(EVENTS_A_REQUEST);
				assertThat(repeat.body().path("recorded").asInt()).isZero();
			});
		}
	}

	@Test
	void everyAcknowledgedConsumeIsStillRecordedAndTheQuotaIsNeverOverAdmitted() {
		// given
		long admitted = consumed.values().stream().mapToInt(Queue::size).sum();
		long used = used(consumer, "seats");
		assertThat(used).as("at least the acknowledged consumes, at most those in flight more")
			.isBetween(admitted, admitted + CONSUME_SENDERS);

		// when: the latest acknowledged consumes are repeated, and the rest of the quota
		// taken
		var repeats = consumed.values()
			.stream()
			.flatMap(keys -> keys.stream().skip(Math.max(0, keys.size() - 50)))
			.map(key -> consume(api, key, 1))
			.toList();
		var rest = consume(api, "rest-" + run, QUOTA - used);
		var beyond = consume(api, "beyond-" + run, 1);

		// then
		assertThat(repeats).allSatisfy(repeat -> {
			assertThat(repeat.status()).as(repeat.toString()).isEqualTo(200);
			assertThat(repeat.body().path("duplicate").asBoolean()).as(repeat.toString()).isTrue();
		});
		assertThat(rest.status()).as(rest.toString()).isEqualTo(200);
		assertThat(beyond.status()).as(beyond.toString()).isEqualTo(402);
		assertThat(beyond.code()).isEqualTo("quota_exceeded");
		assertThat(used(consumer, "seats")).isEqualTo(QUOTA);
		assertThat(admitted + (QUOTA - used)).as("admitted in all").isLessThanOrEqualTo(QUOTA);
	}

	@Test
	void acknowledgedLeasesStillHoldTheirSlotsAndReleasedOnesDoNot() {
		// given
		var held = heldLeases();
		var released = leasesReleased();

		// when
		var heldBeats = held.stream().map(this::heartbeat).toList();
		var releasedBeats = released.stream().map(this::heartbeat).toList();
		int admitted = 0;
		Api.Response refusal;
		while ((refusal = acquire(api)).status() == 201) {
			admitted++;
		}

		// then
		assertThat(heldBeats).as("acknowledged leases are still held").allSatisfy(beat -> {
			assertThat(beat.status()).as(beat.toString()).isEqualTo(200);
		});
		assertThat(releasedBeats).as("released leases stay released").allSatisfy(beat -> {
			assertThat(beat.status()).as(beat.toString()).isEqualTo(404);
			assertThat(beat.code()).isEqualTo("lease_not_found");
		});
		assertThat(refusal.code()).as(refusal.toString()).isEqualTo("concurrency_limit_reached");
		assertThat(held.size() + admitted).as("slots held and taken after the restart")
			.isLessThanOrEqualTo(LEASE_LIMIT)
			.isGreaterThanOrEqualTo(LEASE_LIMIT - leaseActionsInFlight.get());
	}

	@Test
	void acknowledgedBatchesAndOperationCompletionsSurvive() {
		// given
		var done = new HashMap<String, List<String>>();
		completions.forEach(c -> done.computeIfAbsent(c.batchId(), id -> new ArrayList<>()).add(c.operationId()));

		// when: every acknowledged batch is read, and every batch of an acknowledged
		// completion (its submission may have been in flight, yet committed)
		var ids = new LinkedHashSet<>(batchesSubmitted);
		ids.addAll(done.keySet());
		var batches = new HashMap<String, JsonNode>();
		for (var id : ids) {
			var response = api.get("/v1/batches/" + id + "?customerId=" + batchOwner);
			assertThat(response.status()).as("batch " + id + ": " + response).isEqualTo(200);
			batches.put(id, response.body());
		}

		// then
		assertThat(batches.values()).allSatisfy(batch -> {
			assertThat(batch.path("operationCount").asInt()).isEqualTo(OPERATIONS_A_BATCH);
			assertThat(batch.path("operations").size()).isEqualTo(OPERATIONS_A_BATCH);
		});
		done.forEach((batchId, operations) -> {
			var statuses = new HashMap<String, String>();
			batches.get(batchId)
				.path("operations")
				.forEach(o -> statuses.put(o.path("id").asString(), o.path("status").asString()));
			assertThat(operations).as("acknowledged completions of batch " + batchId)
				.allSatisfy(operation -> assertThat(statuses.get(operation)).isEqualTo("succeeded"));
		});
	}

	// --- the senders: each keeps what was answered, and counts what was in flight when
	// the server went away

	private void ingest(Api client, String customer, AtomicBoolean crashed) {
		for (int request = 0; !crashed.get(); request++) {
			var events = new ArrayList<String>();
			for (int i = 0; i < EVENTS_A_REQUEST; i++) {
				events.add(Api.json(Map.of("id", "r" + request + "-e" + i, "customerId", customer, "feature", "seats",
						"amount", 1)));
			}
			var body = "{\"events\":[" + String.join(",", events) + "]}";
			var response = send(() -> client.post("/v1/usage-events", body), ingestInFlight);
			if (response == null) {
				return;
			}
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			ingested.get(customer).add(body);
		}
	}

	private void consume(Api client, int sender, AtomicBoolean crashed) {
		for (int n = 0; !crashed.get(); n++) {
			var key = "c" + sender + "-" + n;
			var response = send(() -> consume(client, key, 1), consumeInFlight);
			if (response == null) {
				return;
			}
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			consumed.get(sender).add(key);
		}
	}

	/**
	 * Keeps the customer at its limit: takes leases until refused, then releases the
	 * oldest.
	 */
	private void churnLeases(Api client, AtomicBoolean crashed) {
		while (!crashed.get()) {
			var acquired = send(() -> acquire(client), leaseActionsInFlight);
			if (acquired == null) {
				return;
			}
			if (acquired.status() == 201) {
				synchronized (leasesHeld) {
					leasesHeld.put(acquired.body().path("id").asString(), true);
				}
				continue;
			}
			assertThat(acquired.code()).as(acquired.toString()).isEqualTo("concurrency_limit_reached");
			String oldest;
			synchronized (leasesHeld) {
				oldest = leasesHeld.keySet().iterator().next();
				// while its release is in flight it is neither held nor released
				leasesHeld.remove(oldest);
			}
			var released = send(() -> client.delete("/v1/leases/" + oldest), leaseActionsInFlight);
			if (released == null) {
				return;
			}
			assertThat(released.status()).as(released.toString()).isEqualTo(204);
			synchronized (leasesHeld) {
				leasesReleased.add(oldest);
			}
		}
	}

	private void submitBatches(Api client, AtomicBoolean crashed) {
		while (!crashed.get()) {
			var operations = new ArrayList<Map<String, Object>>();
			for (int i = 0; i < OPERATIONS_A_BATCH; i++) {
				operations.add(Map.of("type", "spawn_agent", "payload", Map.of("n", i)));
			}
			var body = Api.json(Map.of("customerId", batchOwner, "region", region, "operations", operations));
			var response = send(() -> client.post("/v1/batches", body), new AtomicInteger());
			if (response == null) {
				return;
			}
			assertThat(response.status()).as(response.toString()).isEqualTo(202);
			batchesSubmitted.add(response.body().path("id").asString());
		}
	}

	private void completeOperations(Api client, AtomicBoolean crashed) {
		var poll = Api.json(Map.of("workerId", WORKER, "regions", List.of(region), "max", 10, "waitSeconds", 1));
		while (!crashed.get()) {
			var taken = send(() -> client.post("/v1/worker/poll", poll), new AtomicInteger());
			if (taken == null) {
				return;
			}
			assertThat(taken.status()).as(taken.toString()).isEqualTo(200);
			for (var operation : taken.body().path("operations")) {
				var id = operation.path("id").asString();
				var done = send(
						() -> client.post("/v1/worker/operations/" + id + "/complete",
								Api.json(Map.of("workerId", WORKER, "result", Map.of("ok", true)))),
						new AtomicInteger());
				if (done == null) {
					return;
				}
				assertThat(done.status()).as(done.toString()).isEqualTo(204);
				completions.add(new Completion(operation.path("batchId").asString(), id));
			}
		}
	}

	/**
	 * Sends a request; when the server is gone before it answers, counts it in
	 * {@code inFlight} and answers null.
	 */
	private static Api.@Nullable Response send(Supplier<Api.Response> request, AtomicInteger inFlight) {
		try {
			return request.get();
		}
		catch (IllegalStateException ex) {
			inFlight.incrementAndGet();
			return null;
		}
	}

	// --- calls

	private Api.Response consume(Api client, String key, long amount) {
		return client.post("/v1/consume",
				Api.json(Map.of("customerId", consumer, "feature", "seats", "amount", amount, "idempotencyKey", key)));
	}

	private Api.Response acquire(Api client) {
		return client.post("/v1/leases",
				Api.json(Map.of("customerId", leaseHolder, "feature", "concurrent_jobs", "ttlSeconds", 3600)));
	}

	private Api.Response heartbeat(String leaseId) {
		return api.post("/v1/leases/" + leaseId + "/heartbeat", "{\"ttlSeconds\":3600}");
	}

	private List<String> heldLeases() {
		synchronized (leasesHeld) {
			return List.copyOf(leasesHeld.keySet());
		}
	}

	private List<String> leasesReleased() {
		synchronized (leasesHeld) {
			return List.copyOf(leasesReleased);
		}
	}

	private void createCustomer(String id) {
		var response = api.put("/v1/customers/" + id, Api.json(Map.of("name", id, "email", id + "@example.com")));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
	}

	private void override(String customer, String feature, long value) {
		var response = api.put("/v1/customers/" + customer + "/overrides/" + feature, Api.json(Map.of("value", value)));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private long used(String customer, String feature) {
		var response = api.get("/v1/customers/" + customer + "/usage");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		for (var quota : response.body().path("quotas")) {
			if (quota.path("feature").asString().equals(feature)) {
				return quota.path("used").asLong();
			}
		}
		throw new AssertionError("no quota '" + feature + "' in " + response);
	}

	private void awaitAnswers(BooleanSupplier enough) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!enough.getAsBoolean()) {
			assertThat(senderFailures).as("what the senders were answered").isEmpty();
			assertThat(System.nanoTime())
				.as("answers of every kind within 30 s; so far: ingested %s, consumed %s, "
						+ "leases released %s, batches %s, completions %s; server log:%n%s",
						ingested.values().stream().mapToInt(Queue::size).sum(),
						consumed.values().stream().mapToInt(Queue::size).sum(), leasesReleased().size(),
						batchesSubmitted.size(), completions.size(), server.logTail())
				.isLessThan(deadline);
			Thread.sleep(20);
		}
	}

	// --- the child's settings

	/**
	 * The child's environment: its data directory, a master key and a bootstrap key; on
	 * PostgreSQL, a schema of its own, made empty first.
	 */
	private Map<String, String> environment(String bootstrapKey) throws SQLException {
		var masterKey = new byte[32];
		new SecureRandom().nextBytes(masterKey);
		var environment = new HashMap<String, String>();
		environment.put("PLANGATE_DATA_DIR", dataDir.toString());
		environment.put("PLANGATE_MASTER_KEY", Base64.getEncoder().encodeToString(masterKey));
		environment.put("PLANGATE_BOOTSTRAP_API_KEY", bootstrapKey);
		var postgres = System.getenv("PLANGATE_DB_URL");
		if (postgres != null && !postgres.isBlank()) {
			var user = String.valueOf(System.getenv().getOrDefault("PLANGATE_DB_USER", ""));
			var password = String.valueOf(System.getenv().getOrDefault("PLANGATE_DB_PASSWORD", ""));
			try (var connection = DriverManager.getConnection(postgres, user, password);
					var sql = connection.createStatement()) {
				sql.execute("drop schema if exists " + SCHEMA + " cascade");
			}
			environment.put("PLANGATE_DB_URL",
					postgres + (postgres.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
		}
		return environment;
	}

	/**
	 * Small pools and no banner; on PostgreSQL Flyway's schema; the event bus of this
	 * child alone.
	 */
	private List<String> arguments() {
		var arguments = new ArrayList<>(List.of("--spring.datasource.hikari.maximum-pool-size=10",
				"--plangate.event-bus.namespace=plangate-crash-" + run, "--logging.level.org.flywaydb=warn"));
		var postgres = System.getenv("PLANGATE_DB_URL");
		if (postgres != null && !postgres.isBlank()) {
			arguments.add("--spring.flyway.schemas=" + SCHEMA);
		}
		return arguments;
	}

}

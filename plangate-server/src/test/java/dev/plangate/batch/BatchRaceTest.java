package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.support.Api;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.Race;
import dev.plangate.support.SecondNode;
import tools.jackson.databind.JsonNode;

/**
 * Workers and submitters racing each other, on one node and on two nodes sharing the
 * database: every operation is dispatched exactly once, and the system cap (3 here) and
 * each customer's cap hold at every moment while batches churn.
 */
@FreshSchema
class BatchRaceTest extends BatchTestSupport {

	private static final int SYSTEM_CAP = 3;

	private static final Map<String, String> SETTINGS = Map.of("system-concurrency", String.valueOf(SYSTEM_CAP), "tick",
			"100ms", "lease-ttl", "15s");

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		configure(registry, "batch_race", "agent-platform.yaml", SETTINGS);
	}

	/**
	 * Another node of the same cluster, on this class's database, started once the first
	 * has cleaned and migrated it.
	 */
	private static final SecondNode secondNode = new SecondNode();

	@Autowired
	private Environment environment;

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private TransactionTemplate transactions;

	@Autowired
	private AdmissionRepository admission;

	private Api otherNode() {
		return secondNode.startLike(environment).api(api.key());
	}

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	/**
	 * A worker that polls {@code node} and completes what it takes at once, until
	 * {@code expected} operations have been completed by all workers; answers the ids it
	 * was given.
	 */
	private Callable<List<String>> worker(Api node, String name, String region, AtomicInteger completed,
			AtomicInteger expected) {
		return () -> {
			var taken = new ArrayList<String>();
			long until = System.nanoTime() + Duration.ofSeconds(90).toNanos();
			while (completed.get() < expected.get() && System.nanoTime() < until) {
				for (var task : poll(node, name, List.of(region), null, 5, 1)) {
					taken.add(task.path("id").asString());
					var response = completing(node, name, task);
					assertThat(response.status()).as(response.toString()).isEqualTo(204);
					completed.incrementAndGet();
				}
			}
			return taken;
		};
	}

	private void assertEachDispatchedOnce(List<List<String>> takenByWorker, List<JsonNode> batches) {
		var taken = takenByWorker.stream().flatMap(List::stream).toList();
		var operations = new ArrayList<String>();
		for (var batch : batches) {
			var read = read(batch);
			assertThat(read.path("status").asString()).isEqualTo("completed");
			for (var operation : read.path("operations")) {
				operations.add(operation.path("id").asString());
				assertThat(operation.path("attempts").asInt()).as(operation.toString()).isEqualTo(1);
			}
			assertThat(events(batch, "operation.started")).hasSize(read.path("operationCount").asInt());
		}
		assertThat(taken).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(operations);
	}

	@Test
	void twentyWorkersPollingAtOnceNeverTakeTheSameOperation() throws Exception {
		// given
		var submitted = submit(batch(customerOn("enterprise"), "race-one-node", operations(200)));
		var completed = new AtomicInteger();
		var workers = new ArrayList<Callable<List<String>>>();
		for (int i = 0; i < 20; i++) {
			workers.add(worker(api, "w" + i, "race-one-node", completed, new AtomicInteger(200)));
		}

		// when
		var taken = Race.run(workers);

		// then
		awaitStatus(submitted, "completed");
		assertEachDispatchedOnce(taken, List.of(submitted));
	}

	@Test
	void workersOnTwoNodesTakeEachOperationExactlyOnce() throws Exception {
		// given
		var nodes = List.of(api, otherNode());
		var batches = List.of(submit(batch(customerOn("enterprise"), "race-two-nodes", operations(150))),
				submit(batch(customerOn("pro"), "race-two-nodes", operations(50))));
		var completed = new AtomicInteger();
		var workers = new ArrayList<Callable<List<String>>>();
		for (int i = 0; i < 16; i++) {
			workers.add(worker(nodes.get(i % 2), "w" + i, "race-two-nodes", completed, new AtomicInteger(200)));
		}

		// when
		var taken = Race.run(workers);

		// then
		for (var batch : batches) {
			awaitStatus(batch, "completed");
		}
		assertEachDispatchedOnce(taken, batches);
	}

	@Test
	void aReaderFollowingABatchsEventsBySeqMissesNoneWhileWorkersRace() throws Exception {
		// given
		var submitted = submit(batch(customerOn("enterprise"), "race-events", operations(200)));
		var completed = new AtomicInteger();
		var workers = new ArrayList<Callable<List<String>>>();
		for (int i = 0; i < 10; i++) {
			workers.add(worker(api, "w" + i, "race-events", completed, new AtomicInteger(200)));
		}
		var followed = new ArrayList<Long>();
		var following = new AtomicBoolean(true);
		var reader = Executors.newSingleThreadExecutor();
		var read = reader.submit(() -> {
			long last = 0;
			boolean ended = false;
			// until the batch's last event has settled into the pages
			while (following.get() || !ended) {
				var page = api.get(eventsPath(submitted) + "&limit=1000&after=" + last);
				assertThat(page.status()).as(page.toString()).isEqualTo(200);
				for (var event : page.body().path("data")) {
					last = event.path("seq").asLong();
					followed.add(last);
					ended = ended || event.path("type").asString().equals("batch.completed");
				}
				Thread.sleep(50);
			}
			return null;
		});

		// when
		try {
			Race.run(workers);
			awaitStatus(submitted, "completed");
		}
		finally {
			following.set(false);
			read.get(30, TimeUnit.SECONDS);
			reader.shutdownNow();
		}

		// then: resuming after the last seq seen, as the API says, the reader saw them
		// all
		var all = events(submitted).stream().map(e -> e.path("seq").asLong()).toList();
		assertThat(all).hasSizeGreaterThan(400);
		assertThat(followed).as("events a reader following by seq saw").containsExactlyElementsOf(all);
	}

	/** Batches holding a processing slot now, by customer. */
	private Map<String, Integer> holdingSlots() {
		var counts = new HashMap<String, Integer>();
		jdbc.sql("""
				select customer_id, count(*) as n from batch
				where status in ('processing', 'failing', 'cancelling', 'rolling_back') group by customer_id""")
			.query((ResultSet rs) -> {
				counts.put(rs.getString("customer_id"), rs.getInt("n"));
			});
		return counts;
	}

	@Test
	void theSystemAndCustomerCapsHoldAcrossTwoNodesWhileBatchesChurn() throws Exception {
		// given: six team customers (two batches each at once), four batches each
		var nodes = List.of(api, otherNode());
		var customers = new ArrayList<String>();
		for (int i = 0; i < 6; i++) {
			customers.add(customerOn("team"));
		}
		var seenTotal = new AtomicInteger();
		var seenPerCustomer = new ConcurrentHashMap<String, Integer>();
		var watching = new AtomicBoolean(true);
		var watcher = Executors.newSingleThreadExecutor();
		var watched = watcher.submit(() -> {
			while (watching.get()) {
				var holding = holdingSlots();
				seenTotal.accumulateAndGet(holding.values().stream().mapToInt(Integer::intValue).sum(), Math::max);
				holding.forEach((customer, n) -> seenPerCustomer.merge(customer, n, Math::max));
				Thread.sleep(5);
			}
			return null;
		});

		// when: 24 batches submitted at once across both nodes, while workers on both run
		// them
		var submissions = new ArrayList<Callable<Api.Response>>();
		for (int i = 0; i < 24; i++) {
			var node = nodes.get(i % 2);
			var body = Api.json(batch(customers.get(i % 6), "race-caps", operations(2)));
			submissions.add(() -> submitting(node, body));
		}
		var completed = new AtomicInteger();
		var expected = new AtomicInteger(48);
		var workers = Executors.newFixedThreadPool(6);
		var working = new ArrayList<Future<List<String>>>();
		for (int i = 0; i < 6; i++) {
			working.add(workers.submit(worker(nodes.get(i % 2), "w" + i, "race-caps", completed, expected)));
		}
		List<Api.Response> answers;
		var taken = new ArrayList<List<String>>();
		try {
			answers = Race.run(submissions);
			// a batch refused runs no operations
			expected.set(2 * (int) answers.stream().filter(a -> a.status() == 202).count());
			for (var work : working) {
				taken.add(work.get(120, TimeUnit.SECONDS));
			}
		}
		finally {
			watching.set(false);
			watched.get(10, TimeUnit.SECONDS);
			watcher.shutdownNow();
			workers.shutdownNow();
		}

		// then
		assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).as(answer.toString()).isEqualTo(202));
		assertThat(seenTotal.get()).as("batches processing at once, at most").isEqualTo(SYSTEM_CAP);
		assertThat(seenPerCustomer).as("a customer's batches processing at once, at most")
			.allSatisfy((customer, most) -> assertThat(most).as(customer).isLessThanOrEqualTo(2));
		var batches = answers.stream().map(Api.Response::body).toList();
		for (var batch : batches) {
			awaitStatus(batch, "completed");
		}
		assertEachDispatchedOnce(taken, batches);
	}

	@Test
	void submissionsAndACancelDuringTheAdmissionOfALargeBatchAreAllAnswered() throws Exception {
		// given: a customer allowed batches of 10,000 operations submits one
		var nodes = List.of(api, otherNode());
		var large = customerOn("enterprise");
		override(large, "batch_size", 10_000);
		var others = new ArrayList<String>();
		for (int i = 0; i < 6; i++) {
			others.add(customerOn("free"));
		}
		var executor = Executors.newSingleThreadExecutor();
		try {
			var largeAnswer = executor
				.submit(() -> submitting(api, Api.json(batch(large, "race-large", operations(10_000)))));

			// when: others submit while it is stored and admitted, and its owner cancels
			// it
			eventually().until(() -> api.get("/v1/batches?customerId=" + large).body().path("data").size() == 1);
			var stored = api.get("/v1/batches?customerId=" + large).body().path("data").get(0);
			var answers = new ArrayList<Api.Response>();
			for (int i = 0; i < others.size(); i++) {
				answers.add(submitting(nodes.get(i % 2),
						Api.json(batch(others.get(i), "race-large-others", operations(1)))));
				if (i == 2) {
					answers.add(cancel(stored));
				}
			}
			answers.add(largeAnswer.get(120, TimeUnit.SECONDS));

			// then: every request is answered as asked; none stored its batch and
			// answered 500
			var failures = answers.stream().filter(a -> a.status() >= 300).map(Api.Response::toString).toList();
			assertThat(answers).extracting(Api.Response::status).as("failures: %s", failures).containsOnly(200, 202);
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aCancelWhileWorkersOnTwoNodesPollTheBatchLeavesEachOperationTakenOrCancelledNeverBoth() throws Exception {
		// given: a batch of 200 operations ready to be taken
		var nodes = List.of(api, otherNode());
		var submitted = submit(batch(customerOn("enterprise"), "race-cancel", operations(200)));
		assertThat(submitted.path("status").asString()).isEqualTo("processing");
		var firstTaken = new CountDownLatch(1);
		var cancelAnswered = new AtomicBoolean();
		var racers = new ArrayList<Callable<List<String>>>();
		for (int i = 0; i < 8; i++) {
			var node = nodes.get(i % 2);
			var name = "c" + i;
			racers.add(() -> {
				var taken = new ArrayList<String>();
				long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
				while (!cancelAnswered.get() && System.nanoTime() < until) {
					for (var task : poll(node, name, List.of("race-cancel"), null, 5, 0)) {
						taken.add(task.path("id").asString());
						firstTaken.countDown();
						var response = completing(node, name, task);
						assertThat(response.status()).as(response.toString()).isEqualTo(204);
					}
				}
				return taken;
			});
		}

		// when: its owner cancels it once the workers have begun taking it
		racers.add(() -> {
			assertThat(firstTaken.await(30, TimeUnit.SECONDS)).isTrue();
			var response = cancel(submitted);
			cancelAnswered.set(true);
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			return List.of();
		});
		var taken = Race.run(racers).stream().flatMap(List::stream).toList();

		// then: what was taken ran and succeeded, the rest was cancelled, nothing both,
		// and nothing is left to take
		var ended = awaitStatus(submitted, "cancelled");
		var succeeded = new ArrayList<String>();
		var cancelled = new ArrayList<String>();
		for (var operation : ended.path("operations")) {
			var status = operation.path("status").asString();
			assertThat(status).as(operation.toString()).isIn("succeeded", "cancelled");
			(status.equals("succeeded") ? succeeded : cancelled).add(operation.path("id").asString());
		}
		assertThat(taken).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(succeeded);
		assertThat(cancelled).hasSize(200 - taken.size());
		assertThat(events(submitted, "operation.started")).hasSize(taken.size());
		assertThat(jdbc.sql("select count(*) from batch_ready where batch_id = :id")
			.param("id", UUID.fromString(submitted.path("id").asString()))
			.query(Long.class)
			.single()).isZero();
		assertThat(poll(api, "c0", List.of("race-cancel"), null, 10, 0)).isEmpty();
	}

	@Test
	void aBatchGivingBackItsSlotStaysWhileAWorkerHoldsOneOfItsReadyOperations() throws Exception {
		// given: a processing batch none of whose operations has begun, and a worker's
		// claim holding the lock of one of its ready operations
		var submitted = submit(batch(customerOn("enterprise"), "race-requeue", operations(5)));
		assertThat(submitted.path("status").asString()).isEqualTo("processing");
		var id = UUID.fromString(submitted.path("id").asString());
		int first = jdbc.sql("select min(seq) from batch_ready where batch_id = :id")
			.param("id", id)
			.query(Integer.class)
			.single();
		var locked = new CountDownLatch(1);
		var release = new CountDownLatch(1);
		var executor = Executors.newSingleThreadExecutor();
		try {
			Future<?> claim = executor.submit(() -> transactions.executeWithoutResult(tx -> {
				jdbc.sql("select seq from batch_ready where batch_id = :id and seq = :seq for update")
					.param("id", id)
					.param("seq", first)
					.query(Integer.class)
					.single();
				locked.countDown();
				try {
					release.await(30, TimeUnit.SECONDS);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}));
			assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();

			// when: the scheduler tries to put it back in the queue meanwhile
			Optional<Long> whileHeld = transactions.execute(tx -> admission.requeueNotBegun(id, 5));

			// then: it gives up at once and changes nothing
			assertThat(whileHeld).isEmpty();
			assertThat(status(submitted)).isEqualTo("processing");
			assertThat(jdbc.sql("select count(*) from batch_ready where batch_id = :id")
				.param("id", id)
				.query(Long.class)
				.single()).isEqualTo(5);
			assertThat(jdbc.sql("select count(*) from batch_operation where batch_id = :id and status = 'ready'")
				.param("id", id)
				.query(Long.class)
				.single()).isEqualTo(5);

			// and once the claim has let go, the same requeue succeeds
			release.countDown();
			claim.get(30, TimeUnit.SECONDS);
			Optional<Long> afterwards = transactions.execute(tx -> admission.requeueNotBegun(id, 5));
			assertThat(afterwards).isPresent();
		}
		finally {
			release.countDown();
			executor.shutdownNow();
		}
	}

}

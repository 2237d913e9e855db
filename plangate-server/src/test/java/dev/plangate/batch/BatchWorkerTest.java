package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshSchema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The life of operations on workers played by the test, on the default catalog (no caps
 * on batches, operations run at once): leases, heartbeats, timeouts, retries with
 * backoff, rollback, cancellation, regions, types, long polls, the event log and the list
 * of a customer's batches. Leases last 2 s, retries wait 200 ms to 1 s.
 */
@FreshSchema
class BatchWorkerTest extends BatchTestSupport {

	private static final Duration RETRY_BASE = Duration.ofMillis(400);

	@Autowired
	private JsonMapper json;

	@Autowired
	private JdbcClient jdbc;

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		configure(registry, "batch_worker", null, Map.of("system-concurrency", "100", "lease-ttl", "2s", "tick",
				"100ms", "retry-base", RETRY_BASE.toMillis() + "ms", "retry-max", "1s"));
	}

	private static Map<String, Object> undoable(int n) {
		return Map.of("type", "spawn_agent", "payload", Map.of("n", n), "compensation",
				Map.of("type", "terminate_agent", "payload", Map.of("n", n)));
	}

	private static Instant instant(JsonNode node) {
		return Instant.parse(node.asString());
	}

	private JsonNode taskOf(List<JsonNode> tasks, int seq) {
		return tasks.stream()
			.filter(t -> t.path("seq").asInt() == seq)
			.findFirst()
			.orElseThrow(() -> new AssertionError("no operation " + seq + " in " + tasks));
	}

	/** Takes the batch's compensations one by one, completing each; answers them. */
	private List<JsonNode> runCompensations(String region, int expected) {
		var compensations = new ArrayList<JsonNode>();
		for (int i = 0; i < expected; i++) {
			var tasks = poll("w1", region, 10, 3);
			assertThat(tasks).as("compensations run one at a time").hasSize(1);
			compensations.add(tasks.get(0));
			complete("w1", tasks.get(0));
		}
		return compensations;
	}

	// --- leases and heartbeats

	@Test
	void aWorkerThatStopsHeartbeatingLosesItsOperationWhichIsDispatchedAgain() {
		// given
		var submitted = submit(batch(customerOn("free"), "work-lease",
				List.of(Map.of("type", "spawn_agent", "idempotencyKey", "agent-7"))));
		var first = poll("w1", "work-lease", 1, 2).get(0);

		// when: w1 falls silent, w2 asks for work
		var again = new ArrayList<JsonNode>();
		eventually().until(() -> {
			again.addAll(poll("w2", "work-lease", 1, 1));
			return !again.isEmpty();
		});

		// then
		assertThat(first.path("attempt").asInt()).isEqualTo(1);
		assertThat(again.get(0).path("id").asString()).isEqualTo(first.path("id").asString());
		assertThat(again.get(0).path("attempt").asInt()).isEqualTo(2);
		assertThat(again.get(0).path("idempotencyKey").asString()).as("the key lets the worker deduplicate")
			.isEqualTo("agent-7");
		assertProblem(completing("w1", first), 409, "operation_lease_lost");
		assertProblem(heartbeat("w1", first, 50, null), 409, "operation_lease_lost");
		complete("w2", again.get(0));
		var done = awaitStatus(submitted, "completed");
		assertThat(done.path("operations").get(0).path("attempts").asInt()).isEqualTo(2);
		var failed = events(submitted, "operation.failed");
		assertThat(failed).hasSize(1);
		assertThat(failed.get(0).path("data").path("retrying").asBoolean()).isTrue();
		assertThat(failed.get(0).path("data").path("error").asString()).contains("heartbeat");
	}

	@Test
	void heartbeatsKeepTheLeaseBeyondItsTermAndReportProgress() throws InterruptedException {
		// given
		var submitted = submit(batch(customerOn("free"), "work-beat", operations(1)));
		var task = poll("w1", "work-beat", 1, 2).get(0);

		// when: six beats half a second apart, well past the 2 s lease
		var leases = new ArrayList<Instant>();
		for (int i = 1; i <= 6; i++) {
			Thread.sleep(500);
			var beat = heartbeat("w1", task, i * 10, "step " + i);
			assertThat(beat.status()).as(beat.toString()).isEqualTo(200);
			assertThat(beat.body().path("cancel").asBoolean()).isFalse();
			leases.add(instant(beat.body().path("leaseExpiresAt")));
		}
		var running = operation(submitted, 0);
		complete("w1", task);

		// then
		assertThat(leases).isSortedAccordingTo(Instant::compareTo).doesNotHaveDuplicates();
		assertThat(running.path("status").asString()).isEqualTo("running");
		assertThat(running.path("progress").asInt()).isEqualTo(60);
		assertThat(running.path("message").asString()).isEqualTo("step 6");
		assertThat(awaitStatus(submitted, "completed").path("operations").get(0).path("attempts").asInt()).isEqualTo(1);
		assertThat(events(submitted, "operation.progress")).extracting(e -> e.path("data").path("progress").asInt())
			.containsExactly(10, 20, 30, 40, 50, 60);
		assertThat(events(submitted, "operation.progress").get(5).path("data").path("message").asString())
			.isEqualTo("step 6");
	}

	@Test
	void aBatchLeftUnsettledByANodeThatStoppedAfterItsLastCompletionIsEndedByTheSweep() {
		// given: a batch's only operation taken by a worker, then ended as a completion's
		// commit ends it, by a node that stopped before it could settle the batch
		var submitted = submit(batch(customerOn("free"), "work-unsettled", operations(1)));
		var task = poll("w1", "work-unsettled", 1, 2).get(0);
		int ended = jdbc.sql("""
				update batch_operation set status = 'succeeded', finished_at = :at, worker_id = null,
				  lease_expires_at = null, progress = 100
				where id = :id and status = 'running'""")
			.param("id", UUID.fromString(task.path("id").asString()))
			.param("at", OffsetDateTime.now(ZoneOffset.UTC))
			.update();
		assertThat(ended).isOne();

		// when: nothing else happens, no batch submitted or ended that would wake the
		// scheduler

		// then: a sweep, once a tick, finds it with nothing ready or running and ends it
		assertThat(awaitStatus(submitted, "completed").path("operations").get(0).path("status").asString())
			.isEqualTo("succeeded");
		assertThat(eventTypes(submitted)).endsWith("batch.completed");
	}

	// --- timeouts

	@Test
	void anOperationRunningPastItsTimeoutIsRetriedThenFailsThoughItsWorkerHeartbeats() throws InterruptedException {
		// given
		var submitted = submit(batch(customerOn("free"), "work-op-timeout", operations(1), "operationTimeoutSeconds", 1,
				"maxAttempts", 2));
		var attempts = new ArrayList<JsonNode>();

		// when: each attempt heartbeats until it is refused
		for (int attempt = 1; attempt <= 2; attempt++) {
			var taken = new ArrayList<JsonNode>();
			eventually().until(() -> {
				taken.addAll(poll("w1", "work-op-timeout", 1, 1));
				return !taken.isEmpty();
			});
			var task = taken.get(0);
			attempts.add(task);
			var deadline = instant(task.path("deadlineAt"));
			while (true) {
				assertThat(Instant.now()).as("heartbeats are refused once the deadline has passed")
					.isBefore(deadline.plusSeconds(5));
				var beat = heartbeat("w1", task, null, null);
				if (beat.status() != 200) {
					assertProblem(beat, 409, "operation_lease_lost");
					break;
				}
				assertThat(instant(beat.body().path("leaseExpiresAt"))).as("a lease never outlives the deadline")
					.isBeforeOrEqualTo(deadline);
				Thread.sleep(200);
			}
		}

		// then
		assertThat(attempts).extracting(t -> t.path("attempt").asInt()).containsExactly(1, 2);
		for (var task : attempts) {
			assertThat(instant(task.path("leaseExpiresAt"))).as("a 2 s lease is cut to the 1 s deadline")
				.isEqualTo(instant(task.path("deadlineAt")));
		}
		var failed = awaitStatus(submitted, "failed");
		assertThat(failed.path("operations").get(0).path("error").path("code").asString()).isEqualTo("timeout");
		assertThat(events(submitted, "operation.failed")).extracting(e -> e.path("data").path("error").asString())
			.containsExactly("the operation ran out of time", "the operation ran out of time");
	}

	@Test
	void aBatchPastItsTimeoutFailsAndRollsBackWhatItDid() {
		// given
		var submitted = submit(batch(customerOn("free"), "work-batch-timeout", List.of(undoable(0), undoable(1)),
				"batchTimeoutSeconds", 1));
		var first = poll("w1", "work-batch-timeout", 1, 2);
		assertThat(seqs(first)).containsExactly(0);
		complete("w1", first.get(0));

		// when: the second is never taken
		awaitStatus(submitted, "rolling_back");
		var compensations = runCompensations("work-batch-timeout", 1);

		// then
		var ended = awaitStatus(submitted, "rolled_back");
		assertThat(ended.path("error").asString()).contains("ran out of time");
		assertThat(compensations.get(0).path("compensates").asInt()).isEqualTo(0);
		assertThat(compensations.get(0).path("type").asString()).isEqualTo("terminate_agent");
		assertThat(operation(submitted, 1).path("status").asString()).isEqualTo("cancelled");
	}

	@Test
	void aRollbackPastItsTimeoutFailsTheCompensationStillRunningAndRefusesItsCompletion() {
		// given: a batch rolling back after its timeout, its compensation taken and held
		var submitted = submit(batch(customerOn("free"), "work-rollback-timeout", List.of(undoable(0), undoable(1)),
				"batchTimeoutSeconds", 1));
		complete("w1", poll("w1", "work-rollback-timeout", 1, 2).get(0));
		awaitStatus(submitted, "rolling_back");
		var compensation = poll("w1", "work-rollback-timeout", 1, 3);
		assertThat(compensation).extracting(c -> c.path("compensates").asInt()).containsExactly(0);

		// when: the rollback's own timeout passes while it runs
		var ended = awaitStatus(submitted, "rollback_failed");

		// then: the compensation ended with the batch, and its worker no longer holds it
		assertThat(ended.path("error").asString()).contains("the compensations ran out of time");
		var undo = operation(submitted, 2);
		assertThat(undo.path("status").asString()).isEqualTo("failed");
		assertThat(undo.path("error").path("code").asString()).isEqualTo("timeout");
		assertThat(events(submitted, "operation.failed")).extracting(e -> e.path("data").path("seq").asInt())
			.containsExactly(2);
		assertProblem(completing("w1", compensation.get(0)), 409, "operation_lease_lost");
	}

	@Test
	void aBatchPastItsTimeoutWithNothingToUndoFails() {
		// given
		var submitted = submit(
				batch(customerOn("free"), "work-batch-timeout-plain", operations(1), "batchTimeoutSeconds", 1));

		// when
		var ended = awaitStatus(submitted, "failed");

		// then
		assertThat(ended.path("error").asString()).contains("ran out of time");
		assertThat(ended.path("counts").path("cancelled").asInt()).isEqualTo(1);
		assertThat(eventTypes(submitted)).containsExactly("batch.queued", "batch.processing", "batch.failing",
				"batch.failed");
	}

	// --- retries and failures

	@Test
	void aFailedAttemptIsRetriedAfterAGrowingBackoffUntilAttemptsAreSpent() {
		// given
		var submitted = submit(batch(customerOn("free"), "work-backoff", operations(1), "maxAttempts", 3));

		// when
		var attempts = new ArrayList<JsonNode>();
		for (int i = 0; i < 3; i++) {
			var tasks = poll("w1", "work-backoff", 1, 5);
			assertThat(tasks).hasSize(1);
			attempts.add(tasks.get(0));
			fail("w1", tasks.get(0), true);
		}

		// then
		assertThat(attempts).extracting(t -> t.path("attempt").asInt()).containsExactly(1, 2, 3);
		var failed = events(submitted, "operation.failed");
		var started = events(submitted, "operation.started");
		assertThat(failed).extracting(e -> e.path("data").path("retrying").asBoolean())
			.containsExactly(true, true, false);
		for (int retry = 1; retry <= 2; retry++) {
			var event = failed.get(retry - 1);
			var next = instant(event.path("data").path("nextAttemptAt"));
			var ceiling = RETRY_BASE.multipliedBy(1L << (retry - 1));
			assertThat(Duration.between(instant(event.path("at")), next)).as("backoff before retry " + retry)
				.isBetween(ceiling.dividedBy(2).minusMillis(100), ceiling);
			assertThat(instant(started.get(retry).path("at"))).as("retry " + retry + " is not dispatched early")
				.isAfterOrEqualTo(next);
		}
		assertThat(failed.get(2).path("data").has("nextAttemptAt")).isFalse();
		var ended = awaitStatus(submitted, "failed");
		assertThat(ended.path("operations").get(0).path("attempts").asInt()).isEqualTo(3);
		assertThat(ended.path("operations").get(0).path("error").path("code").asString()).isEqualTo("agent_down");
	}

	@Test
	void aFailureThatIsNotRetryableFailsTheBatchAtOnce() {
		// given
		var submitted = submit(batch(customerOn("free"), "work-fatal", operations(2), "maxAttempts", 5));
		var tasks = poll("w1", "work-fatal", 10, 2);

		// when
		fail("w1", taskOf(tasks, 0), false);

		// then
		var ended = awaitStatus(submitted, "failed");
		assertThat(operation(submitted, 0).path("attempts").asInt()).isEqualTo(1);
		assertThat(operation(submitted, 0).path("status").asString()).isEqualTo("failed");
		assertThat(ended.path("error").asString()).contains("operation 0", "boom");
		assertThat(poll("w1", "work-fatal", 10, 0)).as("nothing is retried").isEmpty();
		assertProblem(completing("w1", taskOf(tasks, 1)), 409, "operation_lease_lost");
		assertThat(events(submitted, "operation.failed").get(0).path("data").path("retrying").asBoolean()).isFalse();
	}

	@Test
	void aBatchThatContinuesOnErrorCompletesWithErrors() {
		// given
		var submitted = submit(batch(customerOn("free"), "work-continue", operations(3), "continueOnError", true));
		var tasks = poll("w1", "work-continue", 10, 2);

		// when
		fail("w1", taskOf(tasks, 1), false);
		complete("w1", taskOf(tasks, 0));
		complete("w1", taskOf(tasks, 2));

		// then
		var ended = awaitStatus(submitted, "completed_with_errors");
		assertThat(ended.path("counts").path("succeeded").asInt()).isEqualTo(2);
		assertThat(ended.path("counts").path("failed").asInt()).isEqualTo(1);
		assertThat(ended.path("progress").asDouble()).isEqualTo(100.0);
		assertThat(eventTypes(submitted)).endsWith("batch.completed_with_errors");
	}

	@Test
	void aFailureReportedWithTheLongestMessageAllowedFailsTheBatch() {
		// given
		var submitted = submit(batch(customerOn("free"), "work-long-message", operations(1)));
		var task = poll("w1", "work-long-message", 1, 2).get(0);

		// when: 2,000 characters, the most the API takes
		var response = failing("w1", task, "x".repeat(2000), false);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(204);
		assertThat(awaitStatus(submitted, "failed").path("error").asString()).startsWith("operation 0");
	}

	// --- rollback

	@Test
	void aFailedBatchRunsTheCompensationsOfWhatCompletedInReverseOrderOfCompletion() {
		// given: three undoable operations and one that will fail, all running at once
		var submitted = submit(batch(customerOn("free"), "work-rollback",
				List.of(undoable(0), undoable(1), undoable(2), Map.of("type", "spawn_agent"))));
		var tasks = poll("w1", "work-rollback", 10, 2);
		assertThat(tasks).hasSize(4);
		complete("w1", taskOf(tasks, 2));
		complete("w1", taskOf(tasks, 0));
		complete("w1", taskOf(tasks, 1));

		// when
		fail("w1", taskOf(tasks, 3), false);

		// then: undone last-completed first
		var compensations = runCompensations("work-rollback", 3);
		assertThat(compensations).extracting(c -> c.path("compensates").asInt()).containsExactly(1, 0, 2);
		assertThat(compensations).extracting(c -> c.path("kind").asString()).containsOnly("compensation");
		assertThat(compensations).extracting(c -> c.path("payload").path("n").asInt()).containsExactly(1, 0, 2);
		awaitStatus(submitted, "rolled_back");
	}

	@Test
	void aCompensationThatFailsEndsTheBatchRollbackFailedNamingIt() {
		// given
		var submitted = submit(batch(customerOn("free"), "work-rollback-failed",
				List.of(undoable(0), undoable(1), Map.of("type", "spawn_agent"))));
		var tasks = poll("w1", "work-rollback-failed", 10, 2);
		complete("w1", taskOf(tasks, 0));
		complete("w1", taskOf(tasks, 1));
		fail("w1", taskOf(tasks, 2), false);
		var compensation = poll("w1", "work-rollback-failed", 10, 3);
		assertThat(compensation).extracting(c -> c.path("compensates").asInt()).containsExactly(1);

		// when
		var response = failing("w1", compensation.get(0), "agent vanished", false);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(204);
		var ended = awaitStatus(submitted, "rollback_failed");
		assertThat(ended.path("error").asString()).contains("compensation of operation 1", "agent vanished");
		assertThat(poll("w1", "work-rollback-failed", 10, 0)).as("the rest of the rollback is dropped").isEmpty();
		assertThat(eventTypes(submitted)).endsWith("batch.rollback_failed");
	}

	@Test
	void anOperationWithTheLongestIdempotencyKeyAllowedIsRolledBack() {
		// given: a key of 200 characters, the most the API takes
		var key = "k".repeat(200);
		var submitted = submit(batch(customerOn("free"), "work-rollback-key", List.of(
				Map.of("type", "spawn_agent", "idempotencyKey", key, "compensation", Map.of("type", "terminate_agent")),
				Map.of("type", "spawn_agent"))));
		var tasks = poll("w1", "work-rollback-key", 10, 2);
		complete("w1", taskOf(tasks, 0));

		// when
		var response = failing("w1", taskOf(tasks, 1), "boom", false);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(204);
		var compensations = runCompensations("work-rollback-key", 1);
		assertThat(compensations.get(0).path("idempotencyKey").asString()).as("distinct from the operation's")
			.isNotEqualTo(key);
		awaitStatus(submitted, "rolled_back");
	}

	@Test
	void cancellingABatchThatIsRollingBackDoesNotDropItsCompensations() {
		// given
		var submitted = submit(
				batch(customerOn("free"), "work-rollback-cancel", List.of(undoable(0), Map.of("type", "spawn_agent"))));
		var tasks = poll("w1", "work-rollback-cancel", 10, 2);
		complete("w1", taskOf(tasks, 0));
		fail("w1", taskOf(tasks, 1), false);
		awaitStatus(submitted, "rolling_back");

		// when
		var response = cancel(submitted);

		// then: the agent spawned is still terminated
		assertThat(response.status()).as(response.toString()).isNotEqualTo(500);
		var compensations = poll("w1", "work-rollback-cancel", 10, 2);
		assertThat(compensations).as("the compensation is still dispatched").hasSize(1);
		complete("w1", compensations.get(0));
		awaitStatus(submitted, "rolled_back");
	}

	// --- cancellation

	@Test
	void cancellingDropsWaitingOperationsAndTellsTheRunningOneToStop() {
		// given
		var submitted = submit(batch(customerOn("free"), "work-cancel", operations(3)));
		var task = poll("w1", "work-cancel", 1, 2).get(0);
		var before = heartbeat("w1", task, 10, null);

		// when
		var response = cancel(submitted);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("status").asString()).isEqualTo("cancelling");
		assertThat(response.body().path("counts").path("cancelled").asInt()).isEqualTo(2);
		assertThat(response.body().path("counts").path("running").asInt()).isEqualTo(1);
		assertThat(before.body().path("cancel").asBoolean()).isFalse();
		var after = heartbeat("w1", task, 20, null);
		assertThat(after.status()).as(after.toString()).isEqualTo(200);
		assertThat(after.body().path("cancel").asBoolean()).isTrue();
		assertThat(poll("w1", "work-cancel", 10, 0)).as("dropped operations are not dispatched").isEmpty();
		assertThat(status(submitted)).isEqualTo("cancelling");

		// when the running one reports
		complete("w1", task);

		// then
		awaitStatus(submitted, "cancelled");
		assertThat(eventTypes(submitted)).contains("batch.cancelling").endsWith("batch.cancelled");
	}

	@Test
	void aRunningOperationIsToldToStopWhenAnotherFailsTheBatch() {
		// given
		var submitted = submit(batch(customerOn("free"), "work-fail-stop", operations(3)));
		var tasks = poll("w1", "work-fail-stop", 2, 2);

		// when
		fail("w1", taskOf(tasks, 0), false);

		// then
		assertThat(status(submitted)).isEqualTo("failing");
		var beat = heartbeat("w1", taskOf(tasks, 1), 50, null);
		assertThat(beat.status()).as(beat.toString()).isEqualTo(200);
		assertThat(beat.body().path("cancel").asBoolean()).isTrue();
		assertThat(poll("w1", "work-fail-stop", 10, 0)).as("what had not started is dropped").isEmpty();

		// when the running one reports
		complete("w1", taskOf(tasks, 1));

		// then
		var ended = awaitStatus(submitted, "failed");
		assertThat(ended.path("counts").path("cancelled").asInt()).isEqualTo(1);
		assertThat(eventTypes(submitted)).containsSubsequence("batch.failing", "operation.completed", "batch.failed");
	}

	@Test
	void aBatchWithNothingRunningIsCancelledAtOnceAndCannotBeCancelledAgain() {
		// given
		var submitted = submit(batch(customerOn("free"), "work-cancel-idle", operations(2)));

		// when
		var first = cancel(submitted);
		var second = cancel(submitted);

		// then
		assertThat(first.status()).as(first.toString()).isEqualTo(200);
		assertThat(first.body().path("status").asString()).isEqualTo("cancelled");
		assertThat(first.body().path("counts").path("cancelled").asInt()).isEqualTo(2);
		var problem = assertProblem(second, 409, "batch_finished");
		assertThat(problem.path("status").asString()).isEqualTo("cancelled");
	}

	@Test
	void aFinishedBatchCannotBeCancelled() {
		// given
		var submitted = submit(batch(customerOn("free"), "work-cancel-done", operations(1)));
		complete("w1", poll("w1", "work-cancel-done", 1, 2).get(0));
		awaitStatus(submitted, "completed");

		// when
		var response = cancel(submitted);

		// then
		assertProblem(response, 409, "batch_finished");
		assertThat(status(submitted)).isEqualTo("completed");
	}

	// --- payloads

	@Test
	void aPolledOperationCarriesItsPayloadAsTheServerWritesTheSubmittedValue() {
		// given: a payload of every kind of JSON value, spaced and escaped
		var payload = """
				{ "text": "caf\\u00e9 \\\\ \\"quoted\\" \\n \\u2028 \\ud83d\\ude00", "n": -12, "big": 123456789012345678901234567890,
				  "real": 1.50, "exp": -2.5e-7, "yes": true, "no": false, "nothing": null,
				  "list": [ 1, [ ], { }, "x" ], "nested": { "b": { "a": [ null ] } } }""";
		var customerId = customerOn("free");
		var batch = submitting(api,
				"{\"customerId\":\"" + customerId
						+ "\",\"region\":\"work-payload\",\"operations\":[{\"type\":\"spawn_agent\",\"payload\":"
						+ payload + "},{\"type\":\"spawn_agent\"}]}");
		assertThat(batch.status()).as(batch.toString()).isEqualTo(202);

		// when
		var answer = api.post("/v1/worker/poll", pollBody("w1", List.of("work-payload"), null, 10, 1));

		// then: the same text as the value read and written by the server's own mapper
		assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
		var tasks = answer.body().path("operations");
		assertThat(answer.text()).contains("\"payload\":" + json.writeValueAsString(json.readTree(payload)) + ",");
		assertThat(tasks).hasSize(2);
		tasks.forEach(t -> complete("w1", t));
	}

	// --- regions, types, long polls

	@Test
	void aBatchRunsInItsCustomersRegionAndOnlyWorkersOfThatRegionGetIt() {
		// given
		var inX = submit(batch(customerOn("free", "work-region-x"), null, operations(2)));
		var inY = submit(batch(customerOn("free", "work-region-y"), null, operations(2)));
		var askedForZ = submit(batch(customerOn("free", "work-region-x"), "work-region-z", operations(1)));

		// when
		var takenInX = poll("wx", "work-region-x", 10, 1);
		var takenInY = poll("wy", "work-region-y", 10, 1);
		var takenInZ = poll("wz", "work-region-z", 10, 1);

		// then
		assertThat(inX.path("region").asString()).isEqualTo("work-region-x");
		assertThat(askedForZ.path("region").asString()).as("the batch's own region beats the customer's")
			.isEqualTo("work-region-z");
		assertThat(takenInX).extracting(t -> t.path("batchId").asString()).containsOnly(inX.path("id").asString());
		assertThat(takenInX).hasSize(2).allMatch(t -> t.path("region").asString().equals("work-region-x"));
		assertThat(takenInY).extracting(t -> t.path("batchId").asString())
			.containsExactly(inY.path("id").asString(), inY.path("id").asString());
		assertThat(takenInZ).extracting(t -> t.path("batchId").asString())
			.containsExactly(askedForZ.path("id").asString());
	}

	@Test
	void aBatchOfACustomerWithoutARegionRunsInTheDefaultRegion() {
		// given
		var submitted = submit(batch(customerOn("free"), null, operations(1)));

		// when
		var tasks = poll("w1", "default", 10, 2);

		// then
		assertThat(submitted.path("region").asString()).isEqualTo("default");
		assertThat(tasks).extracting(t -> t.path("batchId").asString())
			.containsExactly(submitted.path("id").asString());
	}

	@Test
	void aWorkerNamingTypesGetsOnlyOperationsOfThoseTypes() {
		// given
		var submitted = submit(batch(customerOn("free"), "work-types", List.of(Map.of("type", "spawn_agent"),
				Map.of("type", "health_check"), Map.of("type", "spawn_agent"), Map.of("type", "update_config"))));

		// when
		var checks = poll(api, "w1", List.of("work-types"), List.of("health_check", "update_config"), 10, 1);
		var none = poll(api, "w1", List.of("work-types"), List.of("terminate_agent"), 10, 0);
		var rest = poll(api, "w1", List.of("work-types"), null, 10, 1);

		// then
		assertThat(checks).extracting(t -> t.path("type").asString())
			.containsExactlyInAnyOrder("health_check", "update_config");
		assertThat(none).isEmpty();
		assertThat(rest).extracting(t -> t.path("type").asString()).containsExactly("spawn_agent", "spawn_agent");
		assertThat(submitted.path("operationCount").asInt()).isEqualTo(4);
	}

	@Test
	void aLongPollAnswersAsSoonAsAnOperationIsReady() throws Exception {
		// given: a worker waiting up to 10 s on an empty region
		var executor = Executors.newSingleThreadExecutor();
		try {
			var waiting = executor.submit(() -> poll("w1", "work-long-poll", 1, 10));
			Thread.sleep(500);

			// when
			var submittedAt = System.nanoTime();
			var submitted = submit(batch(customerOn("free"), "work-long-poll", operations(1)));
			var tasks = waiting.get(10, TimeUnit.SECONDS);
			var waited = Duration.ofNanos(System.nanoTime() - submittedAt);

			// then
			assertThat(tasks).extracting(t -> t.path("batchId").asString())
				.containsExactly(submitted.path("id").asString());
			assertThat(waited).isLessThan(Duration.ofSeconds(3));
		}
		finally {
			executor.shutdownNow();
		}
	}

	@Test
	void aLongPollOnAnEmptyQueueWaitsItsTimeThenAnswersNothing() {
		// when
		var start = System.nanoTime();
		var tasks = poll("w1", "work-long-poll-empty", 5, 1);
		var waited = Duration.ofNanos(System.nanoTime() - start);

		// then
		assertThat(tasks).isEmpty();
		assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(950));
	}

	// --- the event log

	@Test
	void aBatchsEventsTellItsWholeStoryInOrder() {
		// given
		var submitted = submit(batch(customerOn("free"), "work-events", operations(2)));
		var tasks = poll("w1", "work-events", 10, 2);

		// when
		assertThat(heartbeat("w1", taskOf(tasks, 1), 50, "half").status()).isEqualTo(200);
		fail("w1", taskOf(tasks, 0), true);
		complete("w1", taskOf(tasks, 1));
		var retried = poll("w1", "work-events", 10, 5);
		complete("w1", retried.get(0));
		awaitStatus(submitted, "completed");

		// then
		var events = events(submitted);
		assertThat(events).extracting(e -> e.path("type").asString())
			.containsExactly("batch.queued", "batch.processing", "operation.started", "operation.started",
					"operation.progress", "operation.failed", "operation.completed", "operation.started",
					"operation.completed", "batch.completed");
		assertThat(events).extracting(e -> e.path("seq").asLong()).isSorted().doesNotHaveDuplicates();
		assertThat(events).extracting(e -> e.path("batchId").asString()).containsOnly(submitted.path("id").asString());
		assertThat(events).extracting(e -> instant(e.path("at"))).isSortedAccordingTo(Instant::compareTo);
		assertThat(events.get(0).path("data").path("operations").asInt()).isEqualTo(2);
		assertThat(events.get(0).path("data").path("region").asString()).isEqualTo("work-events");
		assertThat(events.get(4).path("data").path("progress").asInt()).isEqualTo(50);
		assertThat(events.get(5).path("data").path("seq").asInt()).isEqualTo(0);
		assertThat(events.get(5).path("data").path("retrying").asBoolean()).isTrue();
		assertThat(events.get(6).path("data").path("seq").asInt()).isEqualTo(1);
		assertThat(events.get(7).path("data").path("attempt").asInt()).isEqualTo(2);
		var started = events.get(2).path("data");
		assertThat(started).as("what the server's own text of a started event holds")
			.isEqualTo(
					json.readTree(WorkerService.operationEvent(UUID.fromString(started.path("operationId").asString()),
							started.path("seq").asInt(), "spawn_agent", null, 1, "w1")));
		assertThat(events.get(9).path("data").path("status").asString()).isEqualTo("completed");

		// and reading on from a seq gives the rest
		var after = api.get(eventsPath(submitted) + "&after=" + events.get(6).path("seq").asLong());
		assertThat(after.status()).isEqualTo(200);
		assertThat(after.body().path("data").valueStream().map(e -> e.path("type").asString()).toList())
			.containsExactly("operation.started", "operation.completed", "batch.completed");
	}

	// --- the list of a customer's batches

	private JsonNode list(String customerId, String query) {
		var response = api.get("/v1/batches?customerId=" + Api.encode(customerId) + query);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private static List<String> listedIds(JsonNode page) {
		return page.path("data").valueStream().map(b -> b.path("id").asString()).toList();
	}

	@Test
	void aCustomersBatchesAreListedNewestFirstByStatusAndPage() {
		// given
		var customer = customerOn("free");
		var first = submit(batch(customer, "work-list", operations(1)));
		var second = submit(batch(customer, "work-list", operations(2)));
		var third = submit(batch(customer, "work-list", operations(1)));
		submit(batch(customerOn("free"), "work-list", operations(1)));
		complete("w1", poll("w1", "work-list", 1, 2).get(0));
		awaitStatus(first, "completed");

		// when
		var all = list(customer, "");
		var completed = list(customer, "&status=completed");
		var page1 = list(customer, "&limit=2");
		var page2 = list(customer, "&limit=2&cursor=" + page1.path("nextCursor").asString());

		// then
		assertThat(listedIds(all)).containsExactly(ids(List.of(third, second, first)).toArray(String[]::new));
		assertThat(listedIds(completed)).containsExactly(first.path("id").asString());
		assertThat(listedIds(page1)).containsExactly(third.path("id").asString(), second.path("id").asString());
		assertThat(listedIds(page2)).containsExactly(first.path("id").asString());
		assertThat(page2.has("nextCursor")).isFalse();
	}

	@Test
	void listedBatchesShowTheirOperationsCountsAndProgress() {
		// given
		var customer = customerOn("free");
		var submitted = submit(batch(customer, "work-list-counts", operations(2)));

		// when
		var listed = list(customer, "").path("data").get(0);

		// then
		var read = read(submitted);
		assertThat(listed.path("counts")).as("the list's counts").isEqualTo(read.path("counts"));
		assertThat(listed.path("progress").asDouble()).as("the list's progress").isEqualTo(0.0);
	}

}

package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshSchema;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/worker/operations/complete}: many operations reported done in one call,
 * each answered on its own; a refused one changes nothing and holds up none of the
 * others, and a request that is wrong as a whole changes nothing at all.
 */
@FreshSchema
class BatchBulkCompletionTest extends BatchTestSupport {

	private static final String PATH = "/v1/worker/operations/complete";

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		configure(registry, "batch_bulk_completion", null, Map.of("system-concurrency", "100", "tick", "100ms"));
	}

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private DataSource dataSource;

	private static String body(String worker, List<String> ids) {
		var operations = new ArrayList<Map<String, Object>>();
		for (int i = 0; i < ids.size(); i++) {
			operations.add(Map.of("id", ids.get(i), "result", Map.of("n", i)));
		}
		return Api.json(Map.of("workerId", worker, "operations", operations));
	}

	private static List<String> outcomes(Api.Response response) {
		var outcomes = new ArrayList<String>();
		response.body().path("operations").forEach(o -> outcomes.add(o.path("outcome").asString()));
		return outcomes;
	}

	private JsonNode outcomeOf(Api.Response response, String id) {
		for (var o : response.body().path("operations")) {
			if (o.path("id").asString().equals(id)) {
				return o;
			}
		}
		throw new AssertionError("no outcome for " + id + " in " + response);
	}

	@Test
	void operationsCompletedTogetherEachGetTheirResultAndTheBatchCompletes() {
		// given
		var submitted = submit(batch(customerOn("free"), "bulk-all", operations(5)));
		var tasks = poll("w1", "bulk-all", 10, 2);
		assertThat(tasks).hasSize(5);

		// when
		var response = api.post(PATH, body("w1", ids(tasks)));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("completed").asInt()).isEqualTo(5);
		assertThat(response.body().path("refused").asInt()).isZero();
		assertThat(outcomes(response)).containsExactly("completed", "completed", "completed", "completed", "completed");
		assertThat(ids(List.copyOf(toList(response.body().path("operations"))))).containsExactlyElementsOf(ids(tasks));
		var done = awaitStatus(submitted, "completed");
		assertThat(done.path("counts").path("succeeded").asInt()).isEqualTo(5);
		for (int i = 0; i < 5; i++) {
			var id = tasks.get(i).path("id").asString();
			var operation = toList(done.path("operations")).stream()
				.filter(o -> o.path("id").asString().equals(id))
				.findFirst()
				.orElseThrow();
			assertThat(operation.path("status").asString()).isEqualTo("succeeded");
			assertThat(operation.path("result").path("n").asInt()).isEqualTo(i);
		}
		eventually().untilAsserted(() -> {
			assertThat(events(submitted, "operation.completed")).hasSize(5);
			assertThat(events(submitted, "batch.completed")).hasSize(1);
		});
	}

	@Test
	void operationsOfSeveralCustomersBatchesCompleteInOneCall() {
		// given
		var first = submit(batch(customerOn("free"), "bulk-two", operations(2)));
		var second = submit(batch(customerOn("pro"), "bulk-two", operations(3)));
		var tasks = poll("w1", "bulk-two", 10, 2);
		assertThat(tasks).hasSize(5);

		// when
		var response = api.post(PATH, body("w1", ids(tasks)));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("completed").asInt()).isEqualTo(5);
		awaitStatus(first, "completed");
		awaitStatus(second, "completed");
	}

	@Test
	void eachCompletionIsAnsweredOnItsOwnAndARefusedOneChangesNothing() {
		// given: two operations held by w1, one by w2, and an id no operation has
		var submitted = submit(batch(customerOn("free"), "bulk-mixed", operations(3)));
		var mine = poll("w1", "bulk-mixed", 2, 2);
		var theirs = poll("w2", "bulk-mixed", 1, 2);
		assertThat(mine).hasSize(2);
		assertThat(theirs).hasSize(1);
		var unknown = UUID.randomUUID().toString();
		var theirId = theirs.get(0).path("id").asString();

		// when
		var response = api.post(PATH, body("w1",
				List.of(mine.get(0).path("id").asString(), unknown, theirId, mine.get(1).path("id").asString())));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("completed").asInt()).isEqualTo(2);
		assertThat(response.body().path("refused").asInt()).isEqualTo(2);
		assertThat(outcomes(response)).containsExactly("completed", "refused", "refused", "completed");
		assertThat(outcomeOf(response, unknown).path("code").asString()).isEqualTo("operation_not_found");
		assertThat(outcomeOf(response, unknown).path("status").asInt()).isEqualTo(404);
		assertThat(outcomeOf(response, theirId).path("code").asString()).isEqualTo("operation_lease_lost");
		assertThat(outcomeOf(response, theirId).path("status").asInt()).isEqualTo(409);
		var read = read(submitted);
		assertThat(read.path("status").asString()).isEqualTo("processing");
		assertThat(read.path("counts").path("succeeded").asInt()).isEqualTo(2);
		assertThat(read.path("counts").path("running").asInt()).isEqualTo(1);
		assertThat(heartbeat("w2", theirs.get(0), null, null).status()).as("w2 still holds its operation")
			.isEqualTo(200);
		assertThat(completing("w2", theirs.get(0)).status()).isEqualTo(204);
		awaitStatus(submitted, "completed");
	}

	@Test
	void anOperationReportedDoneTwiceIsRefusedTheSecondTime() {
		// given
		var submitted = submit(batch(customerOn("free"), "bulk-twice", operations(2)));
		var tasks = poll("w1", "bulk-twice", 1, 2);
		var first = api.post(PATH, body("w1", ids(tasks)));
		assertThat(first.body().path("completed").asInt()).as(first.toString()).isEqualTo(1);

		// when
		var again = api.post(PATH, body("w1", ids(tasks)));

		// then
		assertThat(again.status()).as(again.toString()).isEqualTo(200);
		assertThat(outcomes(again)).containsExactly("refused");
		assertThat(again.body().path("operations").get(0).path("code").asString()).isEqualTo("operation_lease_lost");
		assertThat(read(submitted).path("counts").path("succeeded").asInt()).isEqualTo(1);
	}

	/** Requests wrong as a whole ({@code %1$s}: an operation w1 holds). */
	static Stream<Arguments> badRequests() {
		String one = "{\"id\":\"%1$s\"}";
		var tooMany = new StringBuilder("[");
		for (int i = 0; i < 101; i++) {
			tooMany.append(i == 0 ? "" : ",").append("{\"id\":\"").append(UUID.randomUUID()).append("\"}");
		}
		tooMany.append("]");
		return Stream.of(Arguments.of("{\"workerId\":\"w1\",\"operations\":[" + one, "malformed_json", null),
				Arguments.of("", "malformed_json", null), Arguments.of("[]", "malformed_json", null),
				Arguments.of("{\"operations\":[" + one + "]}", "invalid_request", "workerId"),
				Arguments.of("{\"workerId\":\"w 1!\",\"operations\":[" + one + "]}", "invalid_request", "workerId"),
				Arguments.of("{\"workerId\":\"w1\"}", "invalid_request", "operations"),
				Arguments.of("{\"workerId\":\"w1\",\"operations\":[]}", "invalid_request", "operations"),
				Arguments.of("{\"workerId\":\"w1\",\"operations\":\"%1$s\"}", "invalid_request", "operations"),
				Arguments.of("{\"workerId\":\"w1\",\"operations\":" + tooMany + "}", "invalid_request", "operations"),
				Arguments.of("{\"workerId\":\"w1\",\"operations\":[null]}", "invalid_request", "operations[0]"),
				Arguments.of("{\"workerId\":\"w1\",\"operations\":[{\"result\":1}]}", "invalid_request",
						"operations[0].id"),
				Arguments.of("{\"workerId\":\"w1\",\"operations\":[{\"id\":\"not-an-id\"}]}", "invalid_request", null),
				Arguments.of("{\"workerId\":\"w1\",\"operations\":[" + one + "," + one + "]}", "invalid_request",
						"operations[1].id"));
	}

	@ParameterizedTest
	@MethodSource("badRequests")
	void aRequestWrongAsAWholeIsRefusedAndChangesNothing(String template, String code, String field) {
		// given
		var submitted = submit(batch(customerOn("free"), "bulk-bad", operations(1)));
		var task = poll("w1", "bulk-bad", 1, 2).get(0);

		// when
		var response = api.post(PATH, template.formatted(task.path("id").asString()));

		// then
		var problem = assertProblem(response, 400, code);
		if (field != null) {
			assertThat(problem.path("errors").toString()).contains("\"" + field + "\"");
		}
		var read = read(submitted);
		assertThat(read.path("counts").path("running").asInt()).as("the operation is still running").isEqualTo(1);
		assertThat(read.path("status").asString()).isEqualTo("processing");
		assertThat(heartbeat("w1", task, null, null).status()).isEqualTo(200);
	}

	@Test
	void aBulkCompletionWantsAWorkerOrServerKey() {
		// given
		var submitted = submit(batch(customerOn("free"), "bulk-keys", operations(1)));
		var task = poll("w1", "bulk-keys", 1, 2).get(0);
		var body = body("w1", ids(List.of(task)));
		var created = api.post("/v1/api-keys", "{\"name\":\"bulk workers\",\"kind\":\"worker\"}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		var workerKey = api.withKey(created.body().path("secret").asString());

		// when
		var refused = List.of(anonymous.post(PATH, body),
				api.withKey("pg_sk_notakey0000000000000000000000000000").post(PATH, body),
				api.withKey("pg_wk_notakey0000000000000000000000000000").post(PATH, body));

		// then
		assertThat(refused).allSatisfy(answer -> assertProblem(answer, 401, "unauthenticated"));
		assertThat(read(submitted).path("counts").path("running").asInt()).isEqualTo(1);
		var accepted = workerKey.post(PATH, body);
		assertThat(accepted.status()).as(accepted.toString()).isEqualTo(200);
		assertThat(accepted.body().path("completed").asInt()).isEqualTo(1);
		awaitStatus(submitted, "completed");
	}

	/**
	 * A completion that waits for its operation's lock longer than a page's settling time
	 * takes its events' numbers after the wait, so their time must be after the wait too:
	 * stamped with the time it started, they would be shown at once, before an event
	 * numbered earlier by a transaction still open, and a reader paging by time, resuming
	 * after them, would never see that one.
	 */
	@Test
	void aCompletionThatWaitedForALockIsNeverShownBeforeAnEarlierNumberedEvent() throws Exception {
		// given: two operations held by w1, the first locked by another transaction
		var submitted = submit(batch(customerOn("free"), "bulk-wait", operations(2)));
		var tasks = poll("w1", "bulk-wait", 2, 2);
		assertThat(tasks).hasSize(2);
		var waitingId = tasks.get(0).path("id").asString();
		var batchId = UUID.fromString(submitted.path("id").asString());
		long before = jdbc.sql("select max(seq) from batch_event").query(Long.class).single();
		var completing = Executors.newSingleThreadExecutor();
		try (var holder = dataSource.getConnection(); var writer = dataSource.getConnection()) {
			holder.setAutoCommit(false);
			writer.setAutoCommit(false);
			try (var lock = holder.prepareStatement("select id from batch_operation where id = ? for update")) {
				lock.setObject(1, UUID.fromString(waitingId));
				lock.executeQuery().close();
			}
			var completion = completing.submit(() -> api.post(PATH, body("w1", List.of(waitingId))));
			Thread.sleep(BatchService.SETTLED.toMillis() + 500);
			assertThat(completion).as("the completion waits for the lock").isNotDone();
			// an event numbered before the completion's, by a transaction not yet
			// committed
			long earlier;
			try (var insert = writer.prepareStatement("""
					insert into batch_event (batch_id, customer_id, type, data, at)
					values (?, ?, 'operation.progress', '{}', ?)""", new String[] { "seq" })) {
				insert.setObject(1, batchId);
				insert.setString(2, submitted.path("customerId").asString());
				insert.setObject(3, OffsetDateTime.now(ZoneOffset.UTC));
				insert.executeUpdate();
				try (var keys = insert.getGeneratedKeys()) {
					assertThat(keys.next()).isTrue();
					earlier = keys.getLong(1);
				}
			}
			holder.commit();
			var answer = completion.get(10, TimeUnit.SECONDS);
			assertThat(answer.body().path("completed").asInt()).as(answer.toString()).isEqualTo(1);
			long completedSeq = jdbc.sql("""
					select seq from batch_event where batch_id = :batch and type = 'operation.completed'""")
				.param("batch", batchId)
				.query(Long.class)
				.single();
			assertThat(completedSeq).isGreaterThan(earlier);

			// when: a reader pages by time while the earlier event is not committed
			var page = api.get(eventsPath(submitted) + "&after=" + before);

			// then: the page stops before the completion's event
			assertThat(page.status()).as(page.toString()).isEqualTo(200);
			assertThat(toList(page.body().path("data"))).as(page.toString())
				.allSatisfy(e -> assertThat(e.path("seq").asLong()).isLessThan(earlier));
			writer.commit();
			eventually().untilAsserted(() -> {
				var seqs = toList(api.get(eventsPath(submitted) + "&after=" + before).body().path("data")).stream()
					.map(e -> e.path("seq").asLong())
					.toList();
				assertThat(seqs).containsSubsequence(earlier, completedSeq);
			});
		}
		finally {
			completing.shutdownNow();
		}
		complete("w1", tasks.get(1));
		awaitStatus(submitted, "completed");
	}

	private static List<JsonNode> toList(JsonNode array) {
		var list = new ArrayList<JsonNode>();
		array.forEach(list::add);
		return list;
	}

}

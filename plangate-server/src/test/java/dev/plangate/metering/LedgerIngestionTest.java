package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.platform.StoredJson;
import dev.plangate.support.Api;
import dev.plangate.support.Race;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;

/**
 * Ingestion on two nodes sharing the database (streamed with {@code COPY} on PostgreSQL):
 * ids repeated across requests and nodes at once are counted once, totals and rollups
 * match the ledger exactly, and a batch that fails part-way leaves nothing behind and
 * acknowledges nothing.
 */
class LedgerIngestionTest extends ServerTest {

	private static final Map<String, Object> PROPERTIES = Map.of("note", "tab\there\\ and\nline \\N\r");

	/** Another node of the same cluster, on the same database. */
	private static final SecondNode secondNode = new SecondNode();

	@Autowired
	Environment environment;

	@Autowired
	LedgerRepository ledger;

	@Autowired
	LedgerWriter writer;

	@Autowired
	TransactionTemplate transactions;

	@Autowired
	JdbcClient jdbc;

	@Autowired
	DataSource dataSource;

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	private static long amountOf(int i) {
		return i % 5 + 1;
	}

	/**
	 * Events {@code from} to {@code to} (exclusive), alternating between two customers.
	 */
	private static String events(String first, String second, int from, int to) {
		var events = new ArrayList<String>();
		for (int i = from; i < to; i++) {
			events.add("{\"id\":\"ev-%d\",\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":%d}".formatted(i,
					i % 2 == 0 ? first : second, amountOf(i)));
		}
		return "{\"events\":[" + String.join(",", events) + "]}";
	}

	@Test
	void overlappingRequestsOnTwoNodesCountEachIdOnceWithExactTotalsAndRollups() throws Exception {
		// given: 30 requests of 100 events over two customers, alternating between the
		// nodes; request n covers ids 40n .. 40n+99, so each id is sent up to three
		// times, from both nodes
		var first = newCustomer("copy-race-a");
		var second = newCustomer("copy-race-b");
		var nodes = List.of(api, secondNode.startLike(environment).api(api.key()));
		var tasks = new ArrayList<Callable<Api.Response>>();
		for (int n = 0; n < 30; n++) {
			int from = n * 40;
			var node = nodes.get(n % 2);
			tasks.add(() -> node.post("/v1/usage-events", events(first, second, from, from + 100)));
		}
		int ids = 29 * 40 + 100;

		// when
		var responses = Race.run(tasks);

		// then: all acknowledged, each id answered as new exactly once
		assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.text()).isEqualTo(200));
		long recorded = responses.stream().mapToLong(r -> r.body().path("recorded").asLong()).sum();
		assertThat(recorded).as("ids answered as newly recorded").isEqualTo(ids);
		long[] expected = new long[2];
		for (int i = 0; i < ids; i++) {
			expected[i % 2] += amountOf(i);
		}
		var customers = List.of(first, second);
		for (int c = 0; c < 2; c++) {
			var customer = customers.get(c);
			var period = LedgerRows.periodStart(api, customer);
			assertThat(jdbc.sql("select count(*) from usage_event where customer_id = :c")
				.param("c", customer)
				.query(Long.class)
				.single()).as("events stored for " + customer).isEqualTo(ids / 2);
			assertThat(ledger.ledgerSum(customer, "api_calls", period)).isEqualTo(expected[c]);
			assertThat(ledger.used(customer, "api_calls", period)).as("total").isEqualTo(expected[c]);
			assertThat(LedgerRows.rollups(jdbc, "usage_rollup", customer)).as("hourly rollups: amount, events")
				.containsExactly(expected[c], (long) ids / 2);
			assertThat(LedgerRows.rollups(jdbc, "usage_rollup_day", customer)).as("daily rollups: amount, events")
				.containsExactly(expected[c], (long) ids / 2);
		}
	}

	@Test
	void aBatchFailingPartWayRecordsNothingAndLeavesTotalsAndRollupsAsTheyWere() {
		// given: 10 recorded, then a batch whose middle event cannot be stored (its id is
		// longer than the ledger holds)
		var customer = newCustomer("copy-fail");
		var period = LedgerRows.periodStart(api, customer);
		var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		transactions.executeWithoutResult(
				status -> writer.writeTogether(List.of(pending(List.of(event(customer, "before", 10, now, period))))));
		var bad = List.of(event(customer, "good-1", 1, now, period), event(customer, "x".repeat(300), 1, now, period),
				event(customer, "good-2", 1, now, period));

		// when
		assertThatThrownBy(() -> transactions.execute(status -> writer.writeTogether(List.of(pending(bad)))))
			.isInstanceOf(RuntimeException.class);

		// then: nothing of it is stored or counted
		assertThat(eventIds(customer)).containsExactly("before");
		assertThat(ledger.used(customer, "api_calls", period)).isEqualTo(10);
		assertThat(LedgerRows.rollups(jdbc, "usage_rollup", customer)).containsExactly(10L, 1L);
		assertThat(LedgerRows.rollups(jdbc, "usage_rollup_day", customer)).containsExactly(10L, 1L);

		// and: the next batch is recorded in full
		transactions.executeWithoutResult(status -> writer.writeTogether(List.of(pending(
				List.of(event(customer, "good-1", 1, now, period), event(customer, "good-2", 2, now, period))))));
		assertThat(eventIds(customer)).containsExactlyInAnyOrder("before", "good-1", "good-2");
		assertThat(ledger.used(customer, "api_calls", period)).isEqualTo(13);
		assertThat(LedgerRows.rollups(jdbc, "usage_rollup", customer)).containsExactly(13L, 3L);
	}

	@Test
	void aConnectionLostBeforeTheCommitLeavesNoEventsNorTotals() throws Exception {
		// given: on PostgreSQL, a batch streamed and moved into the ledger, totals and
		// rollups added, but its connection killed before the commit (waiting until it
		// is gone)
		assumePostgreSQL("kills a PostgreSQL backend");
		var customer = newCustomer("copy-killed");
		var period = LedgerRows.periodStart(api, customer);
		var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		var events = List.of(event(customer, "k-1", 1, now, period), event(customer, "k-2", 2, now, period));

		// when
		assertThatThrownBy(() -> transactions.executeWithoutResult(status -> {
			writer.writeTogether(List.of(pending(events)));
			int pid = jdbc.sql("select pg_backend_pid()").query(Integer.class).single();
			try (var other = dataSource.getConnection();
					var kill = other.prepareStatement("select pg_terminate_backend(?, 10000)")) {
				kill.setInt(1, pid);
				kill.execute();
			}
			catch (SQLException ex) {
				throw new IllegalStateException(ex);
			}
		})).isInstanceOf(RuntimeException.class);

		// then: nothing of it is stored or counted, and the same events are recorded
		// once given again
		assertThat(eventIds(customer)).isEmpty();
		assertThat(ledger.used(customer, "api_calls", period)).isZero();
		assertThat(LedgerRows.rollups(jdbc, "usage_rollup", customer)).containsExactly(0L, 0L);
		var allowances = new ArrayList<LedgerWriter.Allowance>();
		allowances.add(null);
		allowances.add(null);
		assertThat(writer.submit(events, allowances).get(30, TimeUnit.SECONDS))
			.allSatisfy(d -> assertThat(d.event().duplicate()).isFalse());
		assertThat(ledger.used(customer, "api_calls", period)).isEqualTo(3);
		assertThat(LedgerRows.rollups(jdbc, "usage_rollup", customer)).containsExactly(3L, 2L);
	}

	@Test
	void aRequestThatCannotBeStoredFailsAloneWhileTheOthersOfItsCommitAreAcknowledged() throws Exception {
		// given
		var customer = newCustomer("copy-alone");
		var period = LedgerRows.periodStart(api, customer);
		var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		var allowances = new ArrayList<LedgerWriter.Allowance>();
		allowances.add(null);
		allowances.add(null);

		// when: a good request, a bad one and another good one, queued together
		var good = writer.submit(
				List.of(event(customer, "a-1", 1, now, period), event(customer, "a-2", 2, now, period)), allowances);
		var bad = writer.submit(
				List.of(event(customer, "b-1", 4, now, period), event(customer, "y".repeat(300), 8, now, period)),
				allowances);
		var other = writer.submit(
				List.of(event(customer, "c-1", 16, now, period), event(customer, "a-1", 1, now, period)), allowances);

		// then: the bad one is refused and none of it recorded; the others are
		// acknowledged and counted once each
		assertThatThrownBy(() -> bad.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
		assertThat(good.get(30, TimeUnit.SECONDS)).allSatisfy(d -> assertThat(d.admitted()).isTrue());
		assertThat(other.get(30, TimeUnit.SECONDS)).extracting(d -> d.event().duplicate()).containsExactly(false, true);
		assertThat(eventIds(customer)).containsExactlyInAnyOrder("a-1", "a-2", "c-1");
		assertThat(ledger.used(customer, "api_calls", period)).isEqualTo(19);
		assertThat(ledger.ledgerSum(customer, "api_calls", period)).isEqualTo(19);
		assertThat(LedgerRows.rollups(jdbc, "usage_rollup", customer)).containsExactly(19L, 3L);
	}

	@Test
	void twoBatchesInOneTransactionAreBothRecorded() {
		// given
		var customer = newCustomer("copy-twice");
		var period = LedgerRows.periodStart(api, customer);
		var now = Instant.now().truncatedTo(ChronoUnit.MICROS);

		// when: the second batch repeats one id of the first
		transactions.executeWithoutResult(status -> {
			writer.writeTogether(List.of(pending(List.of(event(customer, "one", 1, now, period)))));
			writer.writeTogether(List.of(pending(
					List.of(event(customer, "one", 1, now, period), event(customer, "two\t\\N", 2, now, period)))));
		});

		// then: ids and properties holding tabs and backslashes are stored as given
		assertThat(eventIds(customer)).containsExactlyInAnyOrder("one", "two\t\\N");
		assertThat(ledger.used(customer, "api_calls", period)).isEqualTo(3);
		assertThat(jdbc.sql("select properties from usage_event where customer_id = :c")
			.param("c", customer)
			.query(String.class)
			.list()).containsOnly(StoredJson.write(PROPERTIES));
	}

	@Test
	void aLargeBatchHoldingIdsRecordedBeforeRecordsOnlyTheNewOnesOnceEach() {
		// given: two ids recorded, then a batch too large to be inserted from arrays
		// (streamed straight into the ledger on PostgreSQL) that repeats them among new
		// ones
		var customer = newCustomer("copy-repeat");
		var period = LedgerRows.periodStart(api, customer);
		var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		transactions.executeWithoutResult(status -> writer.writeTogether(List.of(pending(
				List.of(event(customer, "r-3", 100, now, period), event(customer, "r-70", 100, now, period))))));
		var events = new ArrayList<UsageEvent>();
		for (int i = 0; i < LedgerRepository.ROWS_AS_ARRAYS + 10; i++) {
			events.add(event(customer, "r-" + i, 1, now, period));
		}

		// when
		var answers = transactions.execute(status -> writer.writeTogether(List.of(pending(events))));

		// then: the repeated ids are answered as duplicates and counted once, the others
		// recorded
		var duplicates = answers.get(0).stream().filter(d -> d.event().duplicate()).map(d -> d.event().id()).toList();
		assertThat(duplicates).containsExactlyInAnyOrder("r-3", "r-70");
		long fresh = events.size() - 2;
		assertThat(eventIds(customer)).hasSize(events.size());
		assertThat(ledger.used(customer, "api_calls", period)).isEqualTo(200 + fresh);
		assertThat(ledger.ledgerSum(customer, "api_calls", period)).isEqualTo(200 + fresh);
		assertThat(LedgerRows.rollups(jdbc, "usage_rollup", customer)).containsExactly(200 + fresh,
				(long) events.size());
		assertThat(LedgerRows.rollups(jdbc, "usage_rollup_day", customer)).containsExactly(200 + fresh,
				(long) events.size());
	}

	@Test
	void idsCopiedByTwoTransactionsAtOnceAreInsertedByTheOneThatCommitsFirstOnly() throws Exception {
		// given: on PostgreSQL, a batch large enough to be copied straight into the
		// ledger, inserted by one transaction that then waits before its commit
		assumePostgreSQL("streams with COPY");
		var customer = newCustomer("copy-two-nodes");
		var period = LedgerRows.periodStart(api, customer);
		var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		var events = new ArrayList<UsageEvent>();
		var consumed = new ArrayList<LedgerRepository.Consumed>();
		for (int i = 0; i < LedgerRepository.ROWS_AS_ARRAYS + 10; i++) {
			events.add(event(customer, "t-" + i, 1, now, period));
			consumed.add(null);
		}
		// when: another transaction (as of another node) copies the same ids and waits
		// on the first, which then commits
		var answers = whileTheFirstWaits(() -> ledger.insertNew(events, consumed, now),
				() -> ledger.insertNew(events, consumed, now), "copy usage_event (");

		// then: each id is inserted once, by the first; the second finds them all
		// recorded
		assertThat(answers.get(0)).containsOnly(true);
		assertThat(answers.get(1)).containsOnly(false);
		assertThat(eventIds(customer)).hasSize(events.size());
	}

	@Test
	void aFewIdsRecordedByAnotherNodeForAnotherFeatureAMomentBeforeAreTakenOutOfTotalsAndRollupsAgain()
			throws Exception {
		// given: on PostgreSQL, a group of a few events (inserted and added up in one
		// round trip) for api_calls, recorded by one transaction that then waits before
		// its commit
		assumePostgreSQL("the insert and the adding up go together on PostgreSQL");
		var customer = newCustomer("pipelined-race");
		var period = LedgerRows.periodStart(api, customer);
		var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		var calls = new ArrayList<UsageEvent>();
		var seats = new ArrayList<UsageEvent>();
		var consumed = new ArrayList<LedgerRepository.Consumed>();
		for (int i = 0; i < 3; i++) {
			calls.add(event(customer, "r-" + i, 2, now, period));
			seats.add(new UsageEvent(customer, "r-" + i, "seats", 5, now, period, PROPERTIES));
			consumed.add(null);
		}
		seats.add(new UsageEvent(customer, "r-new", "seats", 7, now, period, PROPERTIES));
		consumed.add(null);
		// when: another transaction (as of another node) records three of the same ids
		// and a new one for seats, whose totals it has locked, and waits on the first,
		// which then commits
		var answers = whileTheFirstWaits(() -> {
			ledger.lockTotals(List.of(new LedgerRepository.TotalKey(customer, "api_calls", period)), List.of(), now);
			return ledger.record(calls, consumed.subList(0, 3), now);
		}, () -> {
			ledger.lockTotals(List.of(new LedgerRepository.TotalKey(customer, "seats", period)), List.of(), now);
			return ledger.record(seats, consumed, now);
		}, "insert into usage_event (");

		// then: the ids go to the first; the second records only its new one, and its
		// total and rollups count that one alone, with no rollup left counting nothing
		assertThat(answers.get(0)).containsOnly(true);
		assertThat(answers.get(1)).containsExactly(false, false, false, true);
		assertThat(ledger.used(customer, "api_calls", period)).isEqualTo(6);
		assertThat(ledger.used(customer, "seats", period)).isEqualTo(7);
		assertThat(ledger.ledgerSum(customer, "seats", period)).isEqualTo(7);
		for (var table : List.of("usage_rollup", "usage_rollup_day")) {
			assertThat(jdbc
				.sql("select feature_key, amount, events from " + table
						+ " where customer_id = :c order by feature_key")
				.param("c", customer)
				.query((rs, n) -> rs.getString(1) + " " + rs.getLong(2) + " " + rs.getLong(3))
				.list()).as(table).containsExactly("api_calls 6 3", "seats 7 1");
		}
	}

	@Test
	void aFewIdsAllRecordedByAnotherNodeAMomentBeforeLeaveNoRollupCountingNothing() throws Exception {
		// given: on PostgreSQL, the ids of a group of a few events already recorded, for
		// another feature, as by another node a moment before
		assumePostgreSQL("the insert and the adding up go together on PostgreSQL");
		var customer = newCustomer("pipelined-empty");
		var period = LedgerRows.periodStart(api, customer);
		var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		var consumed = new ArrayList<LedgerRepository.Consumed>();
		consumed.add(null);
		consumed.add(null);
		transactions.executeWithoutResult(status -> {
			ledger.lockTotals(List.of(new LedgerRepository.TotalKey(customer, "api_calls", period)), List.of(), now);
			ledger.record(List.of(event(customer, "e-0", 1, now, period), event(customer, "e-1", 1, now, period)),
					consumed, now);
		});

		// when: the same ids come for seats
		var inserted = transactions.execute(status -> {
			ledger.lockTotals(List.of(new LedgerRepository.TotalKey(customer, "seats", period)), List.of(), now);
			return ledger.record(List.of(new UsageEvent(customer, "e-0", "seats", 4, now, period, PROPERTIES),
					new UsageEvent(customer, "e-1", "seats", 4, now, period, PROPERTIES)), consumed, now);
		});

		// then: nothing of them is left: the seats' total is back at zero, and no rollup
		// of seats was kept
		assertThat(inserted).containsOnly(false);
		assertThat(ledger.used(customer, "seats", period)).isZero();
		for (var table : List.of("usage_rollup", "usage_rollup_day")) {
			assertThat(jdbc.sql("select feature_key from " + table + " where customer_id = :c")
				.param("c", customer)
				.query(String.class)
				.list()).as(table).containsExactly("api_calls");
		}
	}

	@Test
	void theStagingTableIsMadeOncePerConnectionAndAgainWhenItsCreationRolledBackOrItWasLost() throws Exception {
		// given: on PostgreSQL, a ledger repository on one connection
		assumePostgreSQL("the staging table is PostgreSQL's");
		var customer = newCustomer("copy-staging");
		var period = LedgerRows.periodStart(api, customer);
		var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		try (var connection = dataSource.getConnection()) {
			var one = new SingleConnectionDataSource(connection, true);
			var repository = repositoryOn(one);
			var inOne = new TransactionTemplate(new DataSourceTransactionManager(one));
			var consumed = new ArrayList<LedgerRepository.Consumed>();
			consumed.add(null);
			Function<String, boolean[]> insert = id -> inOne.execute(
					status -> repository.insertStaged(List.of(event(customer, id, 1, now, period)), consumed, now));

			// when: the first transaction to make the table rolls back
			inOne.executeWithoutResult(status -> {
				repository.insertStaged(List.of(event(customer, "s-0", 1, now, period)), consumed, now);
				status.setRollbackOnly();
			});

			// then: the next makes it again, and later ones find it
			assertThat(insert.apply("s-1")).containsExactly(true);
			assertThat(insert.apply("s-2")).containsExactly(true);
			assertThat(insert.apply("s-2")).containsExactly(false);

			// when: the session loses it
			try (var drop = connection.createStatement()) {
				drop.execute("drop table pg_temp.usage_event_staging");
			}

			// then: one commit fails, as the table is no longer made every time, and the
			// next makes it again
			assertThatThrownBy(() -> insert.apply("s-3")).isInstanceOf(RuntimeException.class);
			assertThat(insert.apply("s-3")).containsExactly(true);
			assertThat(eventIds(customer)).containsExactly("s-1", "s-2", "s-3");
		}
	}

	@Test
	void theLookUpOfEarlierDecisionsIsPlannedForTheLedgerAsItIsNotKeptWithAPlanOfItsFirstDays() throws Exception {
		// given: on PostgreSQL, a ledger repository on one connection, and PgJDBC's
		// threshold for keeping a statement server-side (5 executions)
		assumePostgreSQL("plans are PostgreSQL's");
		var customer = newCustomer("decided-planned");
		var period = LedgerRows.periodStart(api, customer);
		var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
		try (var connection = dataSource.getConnection()) {
			var one = new SingleConnectionDataSource(connection, true);
			var repository = repositoryOn(one);
			var consumed = new ArrayList<LedgerRepository.Consumed>();
			consumed.add(null);
			repository.insertNew(List.of(event(customer, "p-1", 1, now, period)), consumed, now);

			// when: earlier decisions, and a total, are looked up many more times than
			// that
			var found = new ArrayList<Set<LedgerRepository.EventRef>>();
			for (int i = 0; i < 12; i++) {
				repository.used(customer, "api_calls", period);
				found.add(repository.decidedBefore(List.of(new LedgerRepository.EventRef(customer, "p-1"),
						new LedgerRepository.EventRef(customer, "p-" + (i + 2))))
					.stored()
					.keySet());
			}

			// then: each answer is right, and the session keeps no prepared statement of
			// it, whose generic plan would be the one made for the table's size then
			assertThat(found)
				.allSatisfy(refs -> assertThat(refs).containsExactly(new LedgerRepository.EventRef(customer, "p-1")));
			assertThat(keptStatements(connection, "join consume_refusal")).isZero();
			assertThat(keptStatements(connection, "select used from usage_total"))
				.as("a statement of one row's look-up is kept, as before")
				.isOne();
		}
	}

	/** How many statements holding {@code fragment} the connection's session keeps. */
	private static long keptStatements(Connection connection, String fragment) throws SQLException {
		try (var kept = connection
			.prepareStatement("select count(*) from pg_prepared_statements where statement like ?")) {
			kept.setString(1, "%" + fragment + "%");
			try (var rs = kept.executeQuery()) {
				rs.next();
				return rs.getLong(1);
			}
		}
	}

	/**
	 * Runs {@code first} in a transaction that waits before its commit, then
	 * {@code second} in another, as of another node; once the second waits on a lock in a
	 * statement starting with {@code waitingIn}, lets the first commit. Answers what each
	 * answered, the first's first.
	 */
	private List<boolean[]> whileTheFirstWaits(Supplier<boolean[]> first, Supplier<boolean[]> second, String waitingIn)
			throws Exception {
		var firstDone = new CompletableFuture<Void>();
		var firstMayCommit = new CompletableFuture<Void>();
		var threads = Executors.newFixedThreadPool(2);
		try {
			var one = CompletableFuture.supplyAsync(() -> transactions.execute(status -> {
				var answer = first.get();
				firstDone.complete(null);
				firstMayCommit.orTimeout(30, TimeUnit.SECONDS).join();
				return answer;
			}), threads);
			firstDone.get(30, TimeUnit.SECONDS);
			var two = CompletableFuture.supplyAsync(() -> transactions.execute(status -> second.get()), threads);
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (jdbc.sql("""
					select count(*) from pg_stat_activity
					where datname = current_database() and wait_event_type = 'Lock' and starts_with(query, :start)""")
				.param("start", waitingIn)
				.query(Long.class)
				.single() == 0) {
				assertThat(System.nanoTime()).as("the second waits on the first").isLessThan(deadline);
				Thread.sleep(20);
			}
			firstMayCommit.complete(null);
			return List.of(one.get(30, TimeUnit.SECONDS), two.get(30, TimeUnit.SECONDS));
		}
		finally {
			firstMayCommit.complete(null);
			threads.shutdownNow();
		}
	}

	/** Skips the test, for the reason given, elsewhere than on PostgreSQL. */
	private void assumePostgreSQL(String why) throws SQLException {
		try (var connection = dataSource.getConnection()) {
			assumeTrue(connection.getMetaData().getDatabaseProductName().equals("PostgreSQL"), why);
		}
	}

	/** A ledger repository on one connection. */
	private static LedgerRepository repositoryOn(DataSource one) {
		return new LedgerRepository(JdbcClient.create(one), new NamedParameterJdbcTemplate(one), one);
	}

	private static UsageEvent event(String customer, String id, long amount, Instant at, Instant period) {
		return new UsageEvent(customer, id, "api_calls", amount, at, period, PROPERTIES);
	}

	private static LedgerWriter.Pending pending(List<UsageEvent> events) {
		return new LedgerWriter.Pending(events, null, null, new CompletableFuture<>());
	}

	private List<String> eventIds(String customer) {
		return jdbc.sql("select event_id from usage_event where customer_id = :c order by seq")
			.param("c", customer)
			.query(String.class)
			.list();
	}

}

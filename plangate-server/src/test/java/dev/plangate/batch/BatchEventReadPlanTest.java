package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.platform.PlannedEachTime;
import dev.plangate.support.ServerTest;

/**
 * The reads of a batch's and of a customer's events on PostgreSQL: planned at each read
 * for its values, they read their own index, not every event after where the page starts,
 * however many events other customers hold.
 */
class BatchEventReadPlanTest extends ServerTest {

	private static final Pattern ROWS_REMOVED = Pattern.compile("Rows Removed by Filter: (\\d+)");

	private static final String BUSY = uniqueId("plan-busy");

	private static final String QUIET = uniqueId("plan-quiet");

	private static final UUID QUIET_BATCH = UUID.randomUUID();

	private static boolean written;

	@Autowired
	private DataSource dataSource;

	@Autowired
	private BatchEventRepository events;

	@Autowired
	private TransactionTemplate transactions;

	@Autowired
	private JdbcClient jdbc;

	/**
	 * 20,000 events of a busy customer's 400 batches, then 3 of a quiet customer's one,
	 * once for the class; the table's statistics taken.
	 */
	@BeforeEach
	void twoCustomersEvents() throws SQLException {
		try (var connection = dataSource.getConnection()) {
			assumeTrue(connection.getMetaData().getDatabaseProductName().equals("PostgreSQL"), "PostgreSQL's plans");
			if (written) {
				return;
			}
			try (var insert = connection.prepareStatement("""
					insert into batch_event (batch_id, customer_id, type, data, at)
					select md5(? || (g / 50))::uuid, ?, 'operation.started', '{}', now()
					from generate_series(1, ?) g""")) {
				insert.setString(1, BUSY);
				insert.setString(2, BUSY);
				insert.setInt(3, 20_000);
				insert.executeUpdate();
			}
			try (var insert = connection.prepareStatement("""
					insert into batch_event (batch_id, customer_id, type, data, at)
					select ?, ?, 'operation.started', '{}', now() from generate_series(1, 3)""")) {
				insert.setObject(1, QUIET_BATCH);
				insert.setString(2, QUIET);
				insert.executeUpdate();
			}
			try (var analyze = connection.createStatement()) {
				analyze.execute("analyze batch_event");
			}
			written = true;
		}
	}

	/** The plan of {@code sql} with these values, planned as the server plans it. */
	private String plan(String sql, Object... values) throws SQLException {
		try (var connection = dataSource.getConnection();
				var explain = PlannedEachTime.prepare(connection, "explain (analyze, costs off) " + sql)) {
			for (int i = 0; i < values.length; i++) {
				explain.setObject(i + 1, values[i]);
			}
			var plan = new ArrayList<String>();
			try (var rs = explain.executeQuery()) {
				while (rs.next()) {
					plan.add(rs.getString(1));
				}
			}
			return String.join("\n", plan);
		}
	}

	private static long rowsRemoved(String plan) {
		var removed = ROWS_REMOVED.matcher(plan);
		long rows = 0;
		while (removed.find()) {
			rows += Long.parseLong(removed.group(1));
		}
		return rows;
	}

	@Test
	void aQuietCustomersEventsAreReadFromItsOwnIndexNotPastTheBusyOnes() throws SQLException {
		// when
		var plan = plan(BatchEventRepository.CUSTOMER_EVENTS, QUIET, 0L, 100);

		// then
		assertThat(plan).contains("batch_event_by_customer").doesNotContain("batch_event_pkey");
		assertThat(rowsRemoved(plan)).as(plan).isLessThanOrEqualTo(3);
	}

	@Test
	void aBusyCustomersBatchsEventsAreReadFromTheBatchsIndexNotFromAllTheCustomers() throws SQLException {
		// given: a batch halfway through the busy customer's events
		var batch = jdbc.sql("select md5(:customer || 200)::uuid").param("customer", BUSY).query(UUID.class).single();

		// when
		var plan = plan(BatchEventRepository.BATCH_EVENTS, batch, BUSY, 0L, 100);

		// then
		assertThat(plan).contains("batch_event_by_batch").doesNotContain("batch_event_pkey");
		assertThat(rowsRemoved(plan)).as(plan).isLessThanOrEqualTo(3);
	}

	@Test
	void theReadsAreNeverKeptServerSideWhereTheyWouldBePlannedWithoutTheirValues() {
		// when: a customer's and a batch's events are read more often than PgJDBC takes
		// to keep a statement server-side, on one connection
		List<String> kept = transactions.execute(tx -> {
			for (int i = 0; i < 12; i++) {
				assertThat(events.events(QUIET, null, 0, 100)).hasSize(3);
				assertThat(events.events(QUIET, QUIET_BATCH, 0, 100)).hasSize(3);
			}
			return jdbc
				.sql("select statement from pg_prepared_statements where statement like '%from batch_event where%'")
				.query(String.class)
				.list();
		});

		// then: neither was kept, so PostgreSQL plans each read for its values
		assertThat(kept).isEmpty();
	}

}

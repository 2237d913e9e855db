package dev.plangate.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A consume the database's own way, the yardstick of what a durable consume can cost on
 * PostgreSQL before any of the server's work (HTTP, JSON, authentication, the plan, the
 * idempotency key, grants, rollups): one statement that adds to the customer's total only
 * while it stays within the limit and records the event, then a commit, a transaction for
 * each consume from each connection. It writes to tables of its own, shaped as the
 * ledger's ({@code like … including all}) and made with the same customers' totals, so
 * that the server's quotas are not touched.
 */
final class DurableConsume implements Load.Caller {

	private static final String CONSUME = """
			with admitted as (
			  update bench_consume_total set used = used + 1, updated_at = ?
			  where customer_id = ? and feature_key = 'api_calls' and period_start = ? and used + 1 <= ?
			  returning used)
			insert into bench_consume_event (customer_id, event_id, feature_key, amount, occurred_at, period_start,
			  recorded_at, used_after)
			select ?, ?, 'api_calls', 1, ?, ?, ?, used from admitted""";

	private final Connection connection;

	private final PreparedStatement consume;

	private DurableConsume(Server server) {
		try {
			this.connection = DriverManager.getConnection(server.jdbcUrl, server.jdbcUser, "");
			connection.setAutoCommit(false);
			this.consume = connection.prepareStatement(CONSUME);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot connect to " + server.jdbcUrl, ex);
		}
	}

	/**
	 * Makes the tables, with a total at zero for each customer in this month, and answers
	 * how to make a caller for each connection; {@link #drop} removes them.
	 */
	static Supplier<Load.Caller> prepare(Server server) {
		try (var connection = DriverManager.getConnection(server.jdbcUrl, server.jdbcUser, "");
				var statement = connection.createStatement()) {
			statement.execute("drop table if exists bench_consume_total, bench_consume_event");
			statement.execute("create table bench_consume_total (like usage_total including all)");
			statement.execute("create table bench_consume_event (like usage_event including all)");
			try (var insert = connection.prepareStatement("""
					insert into bench_consume_total (customer_id, feature_key, period_start, used, updated_at)
					values (?, 'api_calls', ?, 0, ?)""")) {
				var now = now();
				for (int i = 0; i < Server.CUSTOMERS; i++) {
					insert.setString(1, Server.customer(i));
					insert.setObject(2, monthStart(now));
					insert.setObject(3, now);
					insert.addBatch();
				}
				insert.executeBatch();
			}
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot make the durable consume's tables", ex);
		}
		return () -> new DurableConsume(server);
	}

	static void drop(Server server) {
		try (var connection = DriverManager.getConnection(server.jdbcUrl, server.jdbcUser, "");
				var statement = connection.createStatement()) {
			statement.execute("drop table if exists bench_consume_total, bench_consume_event");
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot drop the durable consume's tables", ex);
		}
	}

	@Override
	public @Nullable String call(long n) throws SQLException {
		var now = now();
		var customer = Server.customer(n);
		consume.setObject(1, now);
		consume.setString(2, customer);
		consume.setObject(3, monthStart(now));
		consume.setLong(4, Long.MAX_VALUE - 1);
		consume.setString(5, customer);
		consume.setString(6, "durable-" + n);
		consume.setObject(7, now);
		consume.setObject(8, monthStart(now));
		consume.setObject(9, now);
		int admitted = consume.executeUpdate();
		connection.commit();
		return admitted == 1 ? null : "not admitted";
	}

	private static OffsetDateTime now() {
		return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
	}

	private static OffsetDateTime monthStart(OffsetDateTime at) {
		return at.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS);
	}

	@Override
	public void close() {
		try {
			connection.close();
		}
		catch (SQLException ex) {
			// the run is over; nothing depends on this connection any more
		}
	}

}

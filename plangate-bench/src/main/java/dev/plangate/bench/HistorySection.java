package dev.plangate.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.plangate.bench.Options.Section;

/**
 * Usage history over a customer with many events: a year of daily buckets, a month of
 * hourly ones and a year of monthly ones, over HTTP. The events are written straight into
 * the ledger (a year of them, evenly spread), and their hourly and daily rollups summed
 * from them as the ledger keeps them; the history reads only the rollups. The baseline is
 * the year's daily rollup rows, what a year by day or by month reads, read over JDBC with
 * the server's statement: what the database takes before any of the server's work. Beside
 * it, once, what summing the raw events by day would take: the cost the rollups save.
 */
final class HistorySection {

	static final String CUSTOMER = "bench-history";

	private static final String FEATURE = "api_calls";

	/**
	 * Rows a seeding statement writes, so that progress shows and no statement is huge.
	 */
	private static final long CHUNK = 1_000_000;

	private final Server server;

	private final Options options;

	private final Targets targets;

	HistorySection(Server server, Options options, Targets targets) {
		this.server = server;
		this.options = options;
		this.targets = targets;
	}

	void run(PrintStream out) throws Exception {
		var now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
		long events = options.historyEvents();
		try (var http = new HttpConnection(server.address)) {
			http.exchangeOrFail(server.request("PUT", "/v1/customers/" + CUSTOMER, "{\"name\":\"Bench history\"}"));
		}
		long seeding = System.nanoTime();
		long[] rollups = seed(now, events, out);
		out.printf("seeded %,d events over 365 days for one customer, %,d hourly and %,d daily rollups, in %.0f s%n",
				events, rollups[0], rollups[1], (System.nanoTime() - seeding) / 1e9);
		var cpu = new CpuShare();
		var profiler = Profiler.of(options, Section.HISTORY, server.stack, out);
		var yearAgo = now.minus(365, ChronoUnit.DAYS);
		String base = "/v1/customers/" + CUSTOMER + "/usage/history?feature=" + FEATURE;
		byte[] daily = server.request("GET", base + "&granularity=day&from=" + yearAgo + "&to=" + now, null);
		byte[] hourly = server.request("GET",
				base + "&granularity=hour&from=" + now.minus(30, ChronoUnit.DAYS) + "&to=" + now, null);
		byte[] monthly = server.request("GET", base + "&granularity=month&from=" + yearAgo + "&to=" + now, null);
		int threads = options.senders();
		List<Supplier<Result>> paths = List.of(
				() -> Load.closed("GET usage/history, a year by day (365 buckets)", threads, options.warmup(),
						options.duration(), () -> new HttpSection.HttpCaller(server, n -> daily), profiler),
				() -> Load.closed("GET usage/history, a month by hour (720 buckets)", threads, options.warmup(),
						options.duration(), () -> new HttpSection.HttpCaller(server, n -> hourly), profiler),
				() -> Load.closed("GET usage/history, a year by month (13 buckets)", threads, options.warmup(),
						options.duration(), () -> new HttpSection.HttpCaller(server, n -> monthly), profiler),
				() -> Load.closed("JDBC: the year's daily rollup rows", threads, options.warmup(), options.duration(),
						() -> new RollupReader(server, yearAgo, now), profiler));
		var runs = Rounds.interleave(options.rounds(), paths);
		var results = runs.stream().map(Rounds::fastest).toList();
		double rawMillis = rawScanMillis(yearAgo, now);
		out.printf(
				"== Usage history on %s: %,d events of one customer; %d connections; best of %d rounds of %s "
						+ "after %s warm-up%n",
				server.stack.title, events, threads, options.rounds(), Table.duration(options.duration()),
				Table.duration(options.warmup()));
		var table = new Table("path", "req/s", "p50 ms", "p99 ms", "x JDBC p99", "failed", "target");
		var jdbc = results.get(3);
		for (var result : results) {
			String target = result == results.get(0) && server.stack == Stack.POSTGRES ? targets.check(
					"PostgreSQL: a year of daily history over " + Table.count(events) + " events, p99 <= 50 ms",
					result.p99Millis() <= 50, Table.millis(result.p99Millis()) + " ms") : "";
			table.row(result.name(), Table.count(result.throughput()), Table.millis(result.p50Millis()),
					Table.millis(result.p99Millis()), Table.ratio(result.p99Millis() / jdbc.p99Millis()),
					Table.count(result.failures()), target);
		}
		table.row("JDBC: the raw events summed by day (once, best of 3)", "", Table.millis(rawMillis), "", "", "", "");
		table.print(out);
		out.println(cpu.since());
		HttpSection.failures(out, runs);
	}

	/**
	 * Writes {@code events} events spread evenly over the 365 days before {@code now},
	 * then their hourly and daily rollups as the ledger keeps them; answers the number of
	 * each.
	 */
	private long[] seed(Instant now, long events, PrintStream out) throws SQLException {
		double stepSeconds = 365.0 * 86_400 / events;
		try (var connection = DriverManager
			.getConnection(server.jdbcUrl, server.jdbcUser, ""); var insert = connection.prepareStatement("""
					insert into usage_event (customer_id, event_id, feature_key, amount, occurred_at, period_start,
					  recorded_at, properties, used_after)
					select ?, 'history-' || g, ?, 1, t, date_trunc('month', t at time zone 'UTC') at time zone 'UTC',
					  t, null, null
					from (select g, to_timestamp(? - g * ?) as t from generate_series(?, ?) as g) as spread""")) {
			for (long from = 1; from <= events; from += CHUNK) {
				long to = Math.min(events, from + CHUNK - 1);
				insert.setString(1, CUSTOMER);
				insert.setString(2, FEATURE);
				insert.setDouble(3, now.getEpochSecond());
				insert.setDouble(4, stepSeconds);
				insert.setLong(5, from);
				insert.setLong(6, to);
				insert.executeUpdate();
				out.printf("  %,d events written%n", to);
			}
			try (var statement = connection.createStatement()) {
				statement.executeUpdate("""
						insert into usage_rollup (customer_id, feature_key, hour_start, amount, events)
						select customer_id, feature_key,
						  date_trunc('hour', occurred_at at time zone 'UTC') at time zone 'UTC', sum(amount), count(*)
						from usage_event where customer_id = '%s'
						group by customer_id, feature_key, date_trunc('hour', occurred_at at time zone 'UTC')"""
					.formatted(CUSTOMER));
				statement.executeUpdate("""
						insert into usage_rollup_day (customer_id, feature_key, day_start, amount, events)
						select customer_id, feature_key,
						  date_trunc('day', hour_start at time zone 'UTC') at time zone 'UTC', sum(amount), sum(events)
						from usage_rollup where customer_id = '%s'
						group by customer_id, feature_key, date_trunc('day', hour_start at time zone 'UTC')"""
					.formatted(CUSTOMER));
				statement.execute("analyze usage_event");
				statement.execute("analyze usage_rollup");
				statement.execute("analyze usage_rollup_day");
				try (var count = statement.executeQuery(
						"select (select count(*) from usage_rollup where customer_id = '%1$s'), (select count(*) from usage_rollup_day where customer_id = '%1$s')"
							.formatted(CUSTOMER))) {
					count.next();
					return new long[] { count.getLong(1), count.getLong(2) };
				}
			}
		}
	}

	/** What the rollups save: the year's raw events summed by day, best of three. */
	private double rawScanMillis(Instant from, Instant to) throws SQLException {
		try (var connection = DriverManager.getConnection(server.jdbcUrl, server.jdbcUser, "");
				var scan = connection.prepareStatement("""
						select date_trunc('day', occurred_at at time zone 'UTC'), sum(amount), count(*) from usage_event
						where customer_id = ? and feature_key = ? and occurred_at >= ? and occurred_at < ?
						group by 1 order by 1""")) {
			double best = Double.MAX_VALUE;
			for (int i = 0; i < 3; i++) {
				long start = System.nanoTime();
				scan.setString(1, CUSTOMER);
				scan.setString(2, FEATURE);
				scan.setObject(3, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
				scan.setObject(4, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
				try (var rows = scan.executeQuery()) {
					while (rows.next()) {
						rows.getLong(2);
					}
				}
				best = Math.min(best, (System.nanoTime() - start) / 1e6);
			}
			return best;
		}
	}

	/**
	 * One connection reading the year's daily rollup rows with the server's statement.
	 */
	private static final class RollupReader implements Load.Caller {

		private final Connection connection;

		private final PreparedStatement select;

		RollupReader(Server server, Instant from, Instant to) {
			try {
				this.connection = DriverManager.getConnection(server.jdbcUrl, server.jdbcUser, "");
				this.select = connection.prepareStatement("""
						select feature_key, cast(extract(epoch from day_start) as bigint), amount, events
						from usage_rollup_day
						where customer_id = ? and day_start >= ? and day_start < ? and feature_key = ?
						order by feature_key, day_start""");
				select.setString(1, CUSTOMER);
				select.setObject(2, OffsetDateTime.ofInstant(from, ZoneOffset.UTC));
				select.setObject(3, OffsetDateTime.ofInstant(to, ZoneOffset.UTC));
				select.setString(4, FEATURE);
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot connect to " + server.jdbcUrl, ex);
			}
		}

		@Override
		public @Nullable String call(long n) throws SQLException {
			try (var rows = select.executeQuery()) {
				while (rows.next()) {
					rows.getString(1);
					rows.getLong(2);
					rows.getLong(3);
					rows.getLong(4);
				}
			}
			return null;
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

}

package dev.plangate.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import dev.plangate.bench.Options.Section;

/**
 * Batched usage ingestion, acknowledged only once committed. The baselines are the same
 * rows written straight into the same ledger table over JDBC, in the same batches, from
 * as many senders, one transaction a batch: inserted (many rows a statement on
 * PostgreSQL, a JDBC batch on H2) and, on PostgreSQL, streamed with a bare {@code COPY}:
 * what the database allows before any of the server's work (HTTP, JSON, validation,
 * customer lookups, skipping ids recorded before, totals and rollups).
 */
final class IngestSection {

	private final Server server;

	private final Options options;

	private final Targets targets;

	IngestSection(Server server, Options options, Targets targets) {
		this.server = server;
		this.options = options;
		this.targets = targets;
	}

	/** Runs the section; answers the events a second the server's path recorded. */
	double run(PrintStream out) {
		var cpu = new CpuShare();
		var profiler = Profiler.of(options, Section.INGEST, server.stack, out);
		int batch = options.batchEvents();
		boolean copy = server.stack == Stack.POSTGRES;
		var measurements = new ArrayList<Supplier<Result>>(List.of(
				() -> Load.closed("POST /v1/usage-events", options.senders(), options.warmup(), options.duration(),
						() -> new HttpSection.HttpCaller(server,
								n -> server.request("POST", "/v1/usage-events", body(n), "Prefer: return=minimal")),
						profiler),
				() -> Load.closed("JDBC insert into usage_event", options.senders(), options.warmup(),
						options.duration(), () -> new JdbcCaller(server, batch), profiler)));
		if (copy) {
			measurements.add(() -> Load.closed("bare COPY into usage_event", options.senders(), options.warmup(),
					options.duration(), () -> new CopyCaller(server, batch), profiler));
		}
		var runs = Rounds.interleave(options.rounds(), measurements);
		var viaServer = Rounds.fastest(runs.get(0));
		var viaJdbc = Rounds.fastest(runs.get(1));
		var viaCopy = copy ? Rounds.fastest(runs.get(2)) : null;
		out.printf(
				"== Usage ingestion on %s: %,d events a request (Prefer: return=minimal, answered with the counts), "
						+ "%d senders; best of %d rounds of %s after %s warm-up%n",
				server.stack.title, batch, options.senders(), options.rounds(), Table.duration(options.duration()),
				Table.duration(options.warmup()));
		var table = new Table("path", "events/s", "x JDBC", "x COPY", "p50 ms", "p99 ms", "JVM CPU us/event", "failed",
				"target");
		double serverRate = viaServer.throughput() * batch;
		double jdbcRate = viaJdbc.throughput() * batch;
		double copyRate = viaCopy == null ? Double.NaN : viaCopy.throughput() * batch;
		String target = "";
		if (viaCopy != null) {
			String measured = Table.count(serverRate) + "/s";
			target = targets.check("PostgreSQL: ingestion >= 100,000 events/s", serverRate >= 100_000, measured)
					+ " (10,000/s promised: "
					+ targets.check("PostgreSQL: ingestion >= 10,000 events/s (promised)", serverRate >= 10_000,
							measured)
					+ "); " + targets.check("PostgreSQL: ingestion >= 0.8x bare COPY", serverRate >= 0.8 * copyRate,
							Table.ratio(serverRate / copyRate))
					+ " >= 0.8x COPY";
		}
		row(table, viaServer, serverRate, jdbcRate, copyRate, target);
		row(table, viaJdbc, jdbcRate, jdbcRate, copyRate, "");
		if (viaCopy != null) {
			row(table, viaCopy, copyRate, jdbcRate, copyRate, "");
		}
		table.print(out);
		out.println(cpu.since());
		HttpSection.failures(out, runs);
		return serverRate;
	}

	private void row(Table table, Result run, double rate, double jdbcRate, double copyRate, String target) {
		int batch = options.batchEvents();
		table.row(run.name(), Table.count(rate), Table.ratio(rate / jdbcRate),
				Double.isNaN(copyRate) ? "" : Table.ratio(rate / copyRate), Table.millis(run.p50Millis()),
				Table.millis(run.p99Millis()), String.format("%.1f", run.cpuMicros() / batch),
				Table.count(run.failures()), target);
	}

	/** A request's events, spread over the customers, each with an id of its own. */
	private String body(long n) {
		var json = new StringBuilder(options.batchEvents() * 80).append("{\"events\":[");
		for (int i = 0; i < options.batchEvents(); i++) {
			json.append(i == 0 ? "" : ",")
				.append("{\"id\":\"http-")
				.append(n)
				.append('-')
				.append(i)
				.append("\",\"customerId\":\"")
				.append(Server.customer(i))
				.append("\",\"feature\":\"api_calls\",\"amount\":1}");
		}
		return json.append("]}").toString();
	}

	/**
	 * One sender's connection, inserting a batch a transaction the way the ledger does:
	 * on PostgreSQL many rows a statement answering the ids inserted, elsewhere a JDBC
	 * batch.
	 */
	private static final class JdbcCaller implements Load.Caller {

		private static final String COLUMNS = """
				insert into usage_event (customer_id, event_id, feature_key, amount, occurred_at, period_start,
				  recorded_at, properties, used_after) values """;

		private static final String ROW = "(?, ?, ?, ?, ?, ?, ?, null, null)";

		private final Connection connection;

		private final PreparedStatement insert;

		private final int batch;

		private final boolean multiRow;

		JdbcCaller(Server server, int batch) {
			this.batch = batch;
			// PostgreSQL takes at most 65,535 parameters a statement
			this.multiRow = server.jdbcUrl.startsWith("jdbc:postgresql:") && 7L * batch <= 65_535;
			try {
				this.connection = DriverManager.getConnection(server.jdbcUrl, server.jdbcUser, "");
				connection.setAutoCommit(false);
				this.insert = connection.prepareStatement(multiRow
						? COLUMNS + String.join(", ", Collections.nCopies(batch, ROW))
								+ " on conflict do nothing returning customer_id, event_id"
						: COLUMNS + ROW + " on conflict do nothing");
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot connect to " + server.jdbcUrl, ex);
			}
		}

		@Override
		public @Nullable String call(long n) throws SQLException {
			var now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
			var monthStart = now.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS);
			for (int i = 0; i < batch; i++) {
				int at = multiRow ? 7 * i : 0;
				insert.setString(at + 1, Server.customer(i));
				insert.setString(at + 2, "jdbc-" + n + "-" + i);
				insert.setString(at + 3, "api_calls");
				insert.setLong(at + 4, 1);
				insert.setObject(at + 5, now);
				insert.setObject(at + 6, monthStart);
				insert.setObject(at + 7, now);
				if (!multiRow) {
					insert.addBatch();
				}
			}
			if (multiRow) {
				try (var inserted = insert.executeQuery()) {
					while (inserted.next()) {
						inserted.getString(2);
					}
				}
			}
			else {
				insert.executeBatch();
			}
			connection.commit();
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

	/**
	 * One sender's connection, streaming a batch a transaction straight into the ledger
	 * table with {@code COPY} (text format), which neither skips ids recorded before nor
	 * answers which rows it wrote: the fastest way PostgreSQL takes these rows.
	 */
	private static final class CopyCaller implements Load.Caller {

		private static final String COPY = """
				copy usage_event (customer_id, event_id, feature_key, amount, occurred_at, period_start, recorded_at)
				from stdin""";

		private final Connection connection;

		private final CopyManager copies;

		private final int batch;

		CopyCaller(Server server, int batch) {
			this.batch = batch;
			try {
				this.connection = DriverManager.getConnection(server.jdbcUrl, server.jdbcUser, "");
				connection.setAutoCommit(false);
				this.copies = connection.unwrap(PGConnection.class).getCopyAPI();
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot connect to " + server.jdbcUrl, ex);
			}
		}

		@Override
		public @Nullable String call(long n) throws SQLException, IOException {
			var now = Instant.now().truncatedTo(ChronoUnit.MICROS);
			var monthStart = now.atOffset(ZoneOffset.UTC).withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).toInstant();
			var rows = new StringBuilder(batch * 120);
			for (int i = 0; i < batch; i++) {
				rows.append(Server.customer(i))
					.append("\tcopy-")
					.append(n)
					.append('-')
					.append(i)
					.append("\tapi_calls\t1\t")
					.append(now)
					.append('\t')
					.append(monthStart)
					.append('\t')
					.append(now)
					.append('\n');
			}
			copies.copyIn(COPY, new ByteArrayInputStream(rows.toString().getBytes(StandardCharsets.UTF_8)));
			connection.commit();
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

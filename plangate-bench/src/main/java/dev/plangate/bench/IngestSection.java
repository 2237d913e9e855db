package dev.plangate.bench;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.plangate.bench.Options.Section;

/**
 * Batched usage ingestion, acknowledged only once committed. The baseline is the same
 * rows inserted straight into the same ledger table over JDBC, in the same batches, from
 * as many senders, one transaction a batch, with the statement the ledger uses (many rows
 * a statement on PostgreSQL, a JDBC batch on H2): what the database allows before any of
 * the server's work (HTTP, JSON, validation, customer lookups, totals).
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

	void run(PrintStream out) {
		var cpu = new CpuShare();
		var profiler = Profiler.of(options, Section.INGEST, server.stack, out);
		int batch = options.batchEvents();
		var runs = Rounds.interleave(options.rounds(), List.<Supplier<Result>>of(
				() -> Load.closed("POST /v1/usage-events", options.senders(), options.warmup(), options.duration(),
						() -> new HttpSection.HttpCaller(server,
								n -> server.request("POST", "/v1/usage-events", body(n))),
						profiler),
				() -> Load.closed("JDBC insert into usage_event", options.senders(), options.warmup(),
						options.duration(), () -> new JdbcCaller(server, batch), profiler)));
		var viaServer = Rounds.fastest(runs.get(0));
		var viaJdbc = Rounds.fastest(runs.get(1));
		out.printf(
				"== Usage ingestion on %s: %,d events a request, %d senders; best of %d rounds of %s after %s "
						+ "warm-up%n",
				server.stack.title, batch, options.senders(), options.rounds(), Table.duration(options.duration()),
				Table.duration(options.warmup()));
		var table = new Table("path", "events/s", "x JDBC", "p50 ms", "p99 ms", "JVM CPU us/event", "failed", "target");
		double serverRate = viaServer.throughput() * batch;
		double jdbcRate = viaJdbc.throughput() * batch;
		String target = "";
		if (server.stack == Stack.POSTGRES) {
			String measured = Table.count(serverRate) + "/s";
			target = targets.check("PostgreSQL: ingestion >= 100,000 events/s", serverRate >= 100_000, measured)
					+ " (10,000/s promised: " + targets.check("PostgreSQL: ingestion >= 10,000 events/s (promised)",
							serverRate >= 10_000, measured)
					+ ")";
		}
		table.row(viaServer.name(), Table.count(serverRate), Table.ratio(serverRate / jdbcRate),
				Table.millis(viaServer.p50Millis()), Table.millis(viaServer.p99Millis()),
				String.format("%.1f", viaServer.cpuMicros() / batch), Table.count(viaServer.failures()), target);
		table.row(viaJdbc.name(), Table.count(jdbcRate), Table.ratio(1), Table.millis(viaJdbc.p50Millis()),
				Table.millis(viaJdbc.p99Millis()), String.format("%.1f", viaJdbc.cpuMicros() / batch),
				Table.count(viaJdbc.failures()), "");
		table.print(out);
		out.println(cpu.since());
		HttpSection.failures(out, runs);
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

}

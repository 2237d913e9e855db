package dev.plangate.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

import com.sun.management.OperatingSystemMXBean;
import dev.plangate.bench.Options.Section;
import tools.jackson.databind.json.JsonMapper;

/**
 * The batch queue end to end: batches submitted over HTTP, taken by workers that poll and
 * complete over HTTP, on PostgreSQL, with the plans' priorities and per-customer caps on
 * and the queue kept saturated. The baseline is the bare job queue PostgreSQL allows: the
 * same operations inserted, claimed with {@code FOR UPDATE SKIP LOCKED} and marked done
 * over JDBC, by as many submitters and workers, with none of the server's work (HTTP,
 * JSON, plans, caps, fair order, leases, events, batch state).
 *
 * <p>
 * Backlog customers each keep {@value #OUTSTANDING} batches outstanding, half of them on
 * a plan of priority 10 and half on one of priority 0, each plan allowing 2 batches at
 * once, and the system 5 (the default). While the queue is saturated a probe customer on
 * the priority plan submits a one-operation batch every {@value #PROBE_EVERY_MILLIS} ms:
 * its wait against the backlog's shows whether a customer with little to do still gets
 * through.
 */
final class BatchSection {

	static final String CATALOG = "classpath:catalogs/bench-batches.yaml";

	/** Batches each backlog customer keeps submitted and not yet done. */
	static final int OUTSTANDING = 4;

	static final long PROBE_EVERY_MILLIS = 250;

	/** Operations one poll asks for. */
	static final int POLL_MAX = 50;

	private static final int SUBMITTERS = 2;

	private static final List<String> PRIORITY_CUSTOMERS = List.of("prio-0", "prio-1", "prio-2");

	private static final List<String> STANDARD_CUSTOMERS = List.of("std-0", "std-1", "std-2");

	private static final String PROBE_CUSTOMER = "probe";

	private static final long MAX_MICROS = 600_000_000;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final OperatingSystemMXBean OS = (OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private final Server server;

	private final Options options;

	private final Targets targets;

	BatchSection(Server server, Options options, Targets targets) {
		this.server = server;
		this.options = options;
		this.targets = targets;
	}

	/**
	 * Runs the section; answers Plangate's operations completed a second, its best round.
	 */
	double run(PrintStream out) throws Exception {
		var cpu = new CpuShare();
		String workerKey = setUp();
		JdbcQueue.createTable(server);
		var backlog = new ArrayList<String>(PRIORITY_CUSTOMERS);
		backlog.addAll(STANDARD_CUSTOMERS);
		String warmedUp = warmUp(workerKey, backlog);
		var profiler = Profiler.of(options, Section.BATCH, server.stack, out);
		var runs = Rounds.interleave(options.rounds(),
				List.<Supplier<Run>>of(
						() -> drive("Plangate: submit, poll, complete what a poll took in one call",
								() -> new HttpQueue(server, workerKey, true), backlog, true, profiler),
						() -> drive("JDBC: insert, claim (SKIP LOCKED), update", () -> new JdbcQueue(server), backlog,
								false, profiler)));
		var plangate = runs.get(0).stream().max(Comparator.comparingDouble(Run::throughput)).orElseThrow();
		var jdbc = runs.get(1).stream().max(Comparator.comparingDouble(Run::throughput)).orElseThrow();

		out.printf("== Batches on %s: %d workers polling up to %d, %d submitters, batches of %,d operations, "
				+ "%d backlog customers with %d batches outstanding each; best of %d rounds of %s after %s warm-up%n",
				server.stack.title, options.workers(), POLL_MAX, SUBMITTERS, options.batchOperations(), backlog.size(),
				OUTSTANDING, options.rounds(), Table.duration(options.duration()), Table.duration(options.warmup()));
		out.println(warmedUp);
		var table = new Table("path", "ops/s", "x JDBC", "wait p50 ms", "wait p99 ms", "end-to-end p50 ms",
				"end-to-end p99 ms", "JVM CPU us/op", "of which JIT", "failed", "target");
		String measured = Table.count(plangate.throughput()) + "/s";
		table.row(plangate.name, Table.count(plangate.throughput()),
				Table.ratio(plangate.throughput() / jdbc.throughput()),
				Table.millis(plangate.waits.getValueAtPercentile(50) / 1000.0),
				Table.millis(plangate.waits.getValueAtPercentile(99) / 1000.0),
				Table.millis(plangate.endToEnd.getValueAtPercentile(50) / 1000.0),
				Table.millis(plangate.endToEnd.getValueAtPercentile(99) / 1000.0),
				Table.count(plangate.cpuMicrosPerOp()), compiler(plangate), Table.count(plangate.failures.get()),
				targets.check("PostgreSQL: batch operations >= 5,000/s end to end", plangate.throughput() >= 5_000,
						measured));
		table.row(jdbc.name, Table.count(jdbc.throughput()), Table.ratio(1),
				Table.millis(jdbc.waits.getValueAtPercentile(50) / 1000.0),
				Table.millis(jdbc.waits.getValueAtPercentile(99) / 1000.0),
				Table.millis(jdbc.endToEnd.getValueAtPercentile(50) / 1000.0),
				Table.millis(jdbc.endToEnd.getValueAtPercentile(99) / 1000.0), Table.count(jdbc.cpuMicrosPerOp()),
				compiler(jdbc), Table.count(jdbc.failures.get()), "");
		table.print(out);

		var fairness = new Table("while saturated", "operations", "share", "wait mean ms", "wait p50 ms",
				"wait max ms");
		long all = plangate.dispatchedPriority.getTotalCount() + plangate.dispatchedStandard.getTotalCount();
		fairness.row("backlog, priority-10 plan", Table.count(plangate.dispatchedPriority.getTotalCount()),
				share(plangate.dispatchedPriority, all), Table.millis(plangate.dispatchedPriority.getMean() / 1000.0),
				Table.millis(plangate.dispatchedPriority.getValueAtPercentile(50) / 1000.0),
				Table.millis(plangate.dispatchedPriority.getMaxValue() / 1000.0));
		fairness.row("backlog, priority-0 plan", Table.count(plangate.dispatchedStandard.getTotalCount()),
				share(plangate.dispatchedStandard, all), Table.millis(plangate.dispatchedStandard.getMean() / 1000.0),
				Table.millis(plangate.dispatchedStandard.getValueAtPercentile(50) / 1000.0),
				Table.millis(plangate.dispatchedStandard.getMaxValue() / 1000.0));
		fairness.row("probe: one-operation batches, priority-10 plan", Table.count(plangate.probes.getTotalCount()), "",
				Table.millis(plangate.probes.getMean() / 1000.0),
				Table.millis(plangate.probes.getValueAtPercentile(50) / 1000.0),
				Table.millis(plangate.probes.getMaxValue() / 1000.0));
		fairness.print(out);
		double probeMean = plangate.probes.getMean();
		double backlogMean = plangate.dispatchedPriority.getMean();
		double fifoMillis = plangate.probesSent.get() == 0 ? 0
				: plangate.probeAhead.get() / (double) plangate.probesSent.get() / plangate.throughput() * 1000;
		out.printf(
				"probe wait / same-plan backlog wait: %s; probes taken by a worker within the run: %d of %d; "
						+ "first in, first out, a probe would wait for the %,.0f operations outstanding ahead of it: "
						+ "about %,.0f ms at this rate%n",
				Table.ratio(probeMean / backlogMean), plangate.probes.getTotalCount(), plangate.probesSent.get(),
				plangate.probesSent.get() == 0 ? 0 : plangate.probeAhead.get() / (double) plangate.probesSent.get(),
				fifoMillis);
		targets.check("PostgreSQL: a one-operation batch waits less than the saturating backlog (mean)",
				plangate.probes.getTotalCount() > 0 && probeMean < backlogMean,
				Table.ratio(probeMean / backlogMean) + " of its wait");
		out.println(cpu.since());
		for (var run : runs.stream().flatMap(List::stream).toList()) {
			if (run.failures.get() > 0) {
				out.printf("  %s: %,d failed, the first with %s%n", run.name, run.failures.get(), run.firstFailure);
			}
		}
		out.println();
		return plangate.throughput();
	}

	/**
	 * Unmeasured rounds first, for {@code --batch-warmup}: the measured rounds' own runs,
	 * Plangate's (probes included) and the bare queue's in turn, since code shared by
	 * both (the JDBC driver's, for one) is compiled again once the other's calls reach
	 * it. The server runs in this JVM and is new to the section: its JIT compiler goes on
	 * compiling the server's code (Tomcat, Spring, Jackson, the JDBC and Redis drivers)
	 * for a minute or more of this load, on the same two cores, and a run measured
	 * meanwhile measures the compiler too. Then the database is vacuumed and analyzed, as
	 * autovacuum would have done meanwhile where it is on: the rounds leave the tables
	 * with their history and the dead row versions of their status changes, and a server
	 * with autovacuum off would keep them.
	 * @return what was done, with the compiler's share of a core in the last Plangate run
	 * and whether autovacuum is on
	 */
	private String warmUp(String workerKey, List<String> backlog) throws SQLException {
		long until = System.nanoTime() + options.batchWarmup().toNanos();
		int rounds = 0;
		Run last;
		do {
			last = drive("warm-up", () -> new HttpQueue(server, workerKey, true), backlog, true, Profiler.OFF);
			drive("warm-up", () -> new JdbcQueue(server), backlog, false, Profiler.OFF);
			rounds++;
		}
		while (System.nanoTime() < until);
		String autovacuum;
		try (var connection = DriverManager.getConnection(server.jdbcUrl, server.jdbcUser, "");
				var sql = connection.createStatement()) {
			try (var setting = sql.executeQuery("show autovacuum")) {
				setting.next();
				autovacuum = setting.getString(1);
			}
			sql.execute("vacuum (analyze)");
		}
		return String.format(
				"warm-up: %d unmeasured rounds of both runs over %s (the last of Plangate's: %s operations a second, "
						+ "the JIT compiler at %.0f %% of a core), then VACUUM (ANALYZE) of the database (its "
						+ "autovacuum: %s)",
				rounds, Table.duration(options.batchWarmup()), Table.count(last.throughput()), last.compilerPercent(),
				autovacuum);
	}

	/**
	 * The JIT compiler's part of a run's CPU an operation, and its CPU in per cent of a
	 * core over the window.
	 */
	private static String compiler(Run run) {
		return String.format("%s (%.0f %% of a core)",
				Table.count(run.compilerNanos / 1000.0 / Math.max(1, run.completed.get())), run.compilerPercent());
	}

	private static String share(Histogram tier, long all) {
		return all == 0 ? "" : String.format("%.0f %%", 100.0 * tier.getTotalCount() / all);
	}

	/** The customers on their plans, and a worker key; answers the key's secret. */
	private String setUp() throws IOException {
		try (var http = new HttpConnection(server.address)) {
			var customers = new ArrayList<String>(PRIORITY_CUSTOMERS);
			customers.add(PROBE_CUSTOMER);
			customers.addAll(STANDARD_CUSTOMERS);
			for (var customer : customers) {
				String plan = customer.startsWith("std") ? "standard" : "priority";
				http.exchangeOrFail(
						server.request("PUT", "/v1/customers/" + customer, "{\"name\":\"" + customer + "\"}"));
				http.exchangeOrFail(server.request("POST", "/v1/customers/" + customer + "/subscription",
						"{\"plan\":\"" + plan + "\"}"));
			}
			var answer = new StringBuilder();
			int status = http.exchange(
					server.request("POST", "/v1/api-keys", "{\"name\":\"bench workers\",\"kind\":\"worker\"}"), answer);
			if (status != 201) {
				throw new IOException("Creating a worker key answered " + status + ": " + answer);
			}
			return JSON.readTree(answer.toString()).path("secret").asString();
		}
	}

	/** An operation a worker took: its id, whose it is, and when its batch was sent. */
	record Taken(String id, String customer, long sentAt, boolean probe) {
	}

	/** One thread's way to the queue: the server's API or the bare table. */
	interface QueueClient extends AutoCloseable {

		/** Submits a batch; null when it was accepted, else what went wrong. */
		@Nullable String submit(String customer, int operations, long sentAt, boolean probe) throws Exception;

		/** Takes up to {@code max} operations, waiting a little for some. */
		List<Taken> take(String worker, int max) throws Exception;

		/** Reports operations done; null when all were accepted, else what went wrong. */
		@Nullable String complete(String worker, List<Taken> operations) throws Exception;

		@Override
		void close();

	}

	/** What one run measured. */
	static final class Run {

		final String name;

		final Histogram waits = new Histogram(MAX_MICROS, 3);

		final Histogram endToEnd = new Histogram(MAX_MICROS, 3);

		final Histogram dispatchedPriority = new Histogram(MAX_MICROS, 3);

		final Histogram dispatchedStandard = new Histogram(MAX_MICROS, 3);

		final Histogram probes = new Histogram(MAX_MICROS, 3);

		final AtomicLong completed = new AtomicLong();

		final AtomicLong failures = new AtomicLong();

		final AtomicLong probesSent = new AtomicLong();

		/** Operations outstanding when each probe was submitted, summed. */
		final AtomicLong probeAhead = new AtomicLong();

		volatile @Nullable String firstFailure;

		double seconds;

		long cpuNanos;

		/** The JIT compiler's part of {@link #cpuNanos}. */
		long compilerNanos;

		Run(String name) {
			this.name = name;
		}

		double throughput() {
			return completed.get() / seconds;
		}

		double cpuMicrosPerOp() {
			return cpuNanos / 1000.0 / Math.max(1, completed.get());
		}

		/** The JIT compiler's CPU in the measured window, in per cent of a core. */
		double compilerPercent() {
			return 100 * compilerNanos / 1e9 / seconds;
		}

		void failed(String what) {
			failures.incrementAndGet();
			if (firstFailure == null) {
				firstFailure = what;
			}
		}

	}

	/**
	 * Keeps the backlog customers' batches outstanding, has the workers take and complete
	 * operations, and counts what completes in the measured window; afterwards the queue
	 * is drained (unmeasured) so that the next run starts empty.
	 */
	private Run drive(String name, Supplier<QueueClient> clients, List<String> backlog, boolean probes,
			Profiler profiler) {
		var run = new Run(name);
		long start = System.nanoTime() + 10_000_000;
		long measureFrom = start + options.warmup().toNanos();
		long end = measureFrom + options.duration().toNanos();
		var stop = new AtomicBoolean();
		var outstanding = new ConcurrentHashMap<String, AtomicLong>();
		backlog.forEach(c -> outstanding.put(c, new AtomicLong()));
		outstanding.put(PROBE_CUSTOMER, new AtomicLong());
		var threads = new ArrayList<Thread>();
		int batch = options.batchOperations();
		for (int i = 0; i < SUBMITTERS; i++) {
			int submitter = i;
			threads.add(new Thread(() -> {
				try (var client = clients.get()) {
					LockSupport.parkNanos(start - System.nanoTime());
					while (!stop.get()) {
						// the customers this submitter serves, the one with the least
						// outstanding first
						var customer = backlog.stream()
							.filter(c -> backlog.indexOf(c) % SUBMITTERS == submitter)
							.min(Comparator.comparingLong(c -> outstanding.get(c).get()))
							.orElseThrow();
						if (outstanding.get(customer).get() >= (long) OUTSTANDING * batch) {
							LockSupport.parkNanos(2_000_000);
							continue;
						}
						outstanding.get(customer).addAndGet(batch);
						String failure = client.submit(customer, batch, System.nanoTime(), false);
						if (failure != null) {
							outstanding.get(customer).addAndGet(-batch);
							run.failed("submit: " + failure);
							LockSupport.parkNanos(50_000_000);
						}
					}
				}
				catch (Exception ex) {
					run.failed("submit: " + ex);
				}
			}, "bench-submitter"));
		}
		if (probes) {
			threads.add(new Thread(() -> {
				try (var client = clients.get()) {
					for (long due = measureFrom; due < end; due += PROBE_EVERY_MILLIS * 1_000_000) {
						LockSupport.parkNanos(due - System.nanoTime());
						run.probeAhead.addAndGet(outstandingTotal(outstanding));
						outstanding.get(PROBE_CUSTOMER).incrementAndGet();
						String failure = client.submit(PROBE_CUSTOMER, 1, System.nanoTime(), true);
						if (failure != null) {
							run.failed("probe: " + failure);
						}
						else {
							run.probesSent.incrementAndGet();
						}
					}
				}
				catch (Exception ex) {
					run.failed("probe: " + ex);
				}
			}, "bench-probe"));
		}
		long drainUntil = end + 60_000_000_000L;
		for (int i = 0; i < options.workers(); i++) {
			String worker = "bench-worker-" + i;
			threads.add(new Thread(() -> {
				try (var client = clients.get()) {
					LockSupport.parkNanos(start - System.nanoTime());
					while (!stop.get() || (outstandingTotal(outstanding) > 0 && System.nanoTime() < drainUntil)) {
						List<Taken> taken;
						try {
							taken = client.take(worker, POLL_MAX);
						}
						catch (Exception ex) {
							run.failed("take: " + ex);
							LockSupport.parkNanos(50_000_000);
							continue;
						}
						if (taken.isEmpty()) {
							continue;
						}
						long dispatched = System.nanoTime();
						boolean measured = dispatched >= measureFrom && dispatched < end;
						synchronized (run) {
							for (var t : taken) {
								long wait = Math.min(MAX_MICROS, (dispatched - t.sentAt()) / 1000);
								// probes are sent only while measuring: each counts,
								// whenever taken
								if (t.probe()) {
									run.probes.recordValue(wait);
								}
								else if (measured) {
									run.waits.recordValue(wait);
									(PRIORITY_CUSTOMERS.contains(t.customer()) ? run.dispatchedPriority
											: run.dispatchedStandard)
										.recordValue(wait);
								}
							}
						}
						String failure;
						try {
							failure = client.complete(worker, taken);
						}
						catch (Exception ex) {
							failure = ex.toString();
						}
						long done = System.nanoTime();
						for (var t : taken) {
							outstanding.get(t.customer()).decrementAndGet();
						}
						if (failure != null) {
							run.failed("complete: " + failure);
							continue;
						}
						if (done >= measureFrom && done < end) {
							synchronized (run) {
								for (var t : taken) {
									if (!t.probe()) {
										run.completed.incrementAndGet();
										run.endToEnd.recordValue(Math.min(MAX_MICROS, (done - t.sentAt()) / 1000));
									}
								}
							}
						}
					}
				}
			}, "bench-worker"));
		}
		threads.forEach(Thread::start);
		LockSupport.parkNanos(measureFrom - System.nanoTime());
		long cpuFrom = OS.getProcessCpuTime();
		long compilerFrom = CpuShare.compilerNanos();
		var profile = profiler.start(name);
		LockSupport.parkNanos(end - System.nanoTime());
		run.cpuNanos = OS.getProcessCpuTime() - cpuFrom;
		run.compilerNanos = CpuShare.compilerNanos() - compilerFrom;
		profile.stop();
		run.seconds = options.duration().toNanos() / 1e9;
		stop.set(true);
		for (var thread : threads) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while the queue drained", ex);
			}
		}
		if (outstandingTotal(outstanding) > 0) {
			run.failed(outstandingTotal(outstanding) + " operations still outstanding a minute after the run");
		}
		profile.print();
		return run;
	}

	private static long outstandingTotal(Map<String, AtomicLong> outstanding) {
		return outstanding.values().stream().mapToLong(AtomicLong::get).sum();
	}

	/** The server's batch and worker API, over one connection. */
	private static final class HttpQueue implements QueueClient {

		private final Server server;

		private final String workerKey;

		private final HttpConnection http;

		private final StringBuilder answer = new StringBuilder();

		private final boolean bulk;

		/**
		 * @param bulk report what a poll took in one call, rather than one call an
		 * operation
		 */
		HttpQueue(Server server, String workerKey, boolean bulk) {
			this.server = server;
			this.bulk = bulk;
			this.workerKey = workerKey;
			this.http = new HttpConnection(server.address);
		}

		@Override
		public @Nullable String submit(String customer, int operations, long sentAt, boolean probe) throws IOException {
			var json = new StringBuilder(operations * 48 + 64).append("{\"customerId\":\"")
				.append(customer)
				.append("\",\"operations\":[");
			for (int i = 0; i < operations; i++) {
				json.append(i == 0 ? "" : ",")
					.append("{\"type\":\"bench\",\"payload\":{\"t\":")
					.append(sentAt)
					.append(probe ? ",\"probe\":true}}" : "}}");
			}
			json.append("]}");
			answer.setLength(0);
			int status = http.exchange(server.request("POST", "/v1/batches", json.toString()), answer);
			return status == 202 ? null : "HTTP " + status + " " + answer;
		}

		@Override
		public List<Taken> take(String worker, int max) throws IOException {
			answer.setLength(0);
			int status = http
				.exchange(HttpConnection.request("POST", "/v1/worker/poll", host(), workerKey, "{\"workerId\":\""
						+ worker + "\",\"regions\":[\"default\"],\"max\":" + max + ",\"waitSeconds\":1}"), answer);
			if (status != 200) {
				throw new IOException("poll answered " + status + ": " + answer);
			}
			var taken = new ArrayList<Taken>();
			for (var task : JSON.readTree(answer.toString()).path("operations")) {
				var payload = task.path("payload");
				taken.add(new Taken(task.path("id").asString(), task.path("customerId").asString(),
						payload.path("t").asLong(), payload.path("probe").asBoolean()));
			}
			return taken;
		}

		@Override
		public @Nullable String complete(String worker, List<Taken> operations) throws IOException {
			if (bulk) {
				var json = new StringBuilder(operations.size() * 72 + 64).append("{\"workerId\":\"")
					.append(worker)
					.append("\",\"operations\":[");
				for (int i = 0; i < operations.size(); i++) {
					json.append(i == 0 ? "" : ",")
						.append("{\"id\":\"")
						.append(operations.get(i).id())
						.append("\",\"result\":{\"ok\":true}}");
				}
				answer.setLength(0);
				int status = http.exchange(HttpConnection.request("POST", "/v1/worker/operations/complete", host(),
						workerKey, json.append("]}").toString()), answer);
				if (status != 200) {
					return "HTTP " + status + " " + answer;
				}
				int refused = JSON.readTree(answer.toString()).path("refused").asInt();
				return refused == 0 ? null : refused + " refused: " + answer;
			}
			for (var t : operations) {
				answer.setLength(0);
				int status = http
					.exchange(HttpConnection.request("POST", "/v1/worker/operations/" + t.id() + "/complete", host(),
							workerKey, "{\"workerId\":\"" + worker + "\",\"result\":{\"ok\":true}}"), answer);
				if (status != 204) {
					return "HTTP " + status + " " + answer;
				}
			}
			return null;
		}

		private String host() {
			return "127.0.0.1:" + server.address.getPort();
		}

		@Override
		public void close() {
			http.close();
		}

	}

	/**
	 * The bare job queue: a table of jobs, claimed with {@code FOR UPDATE SKIP LOCKED} in
	 * one statement and marked done in one transaction, on its own connection.
	 */
	private static final class JdbcQueue implements QueueClient {

		private final Connection connection;

		JdbcQueue(Server server) {
			try {
				this.connection = DriverManager.getConnection(server.jdbcUrl, server.jdbcUser, "");
				connection.setAutoCommit(false);
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Cannot connect to " + server.jdbcUrl, ex);
			}
		}

		static void createTable(Server server) throws SQLException {
			try (var connection = DriverManager.getConnection(server.jdbcUrl, server.jdbcUser, "");
					var sql = connection.createStatement()) {
				sql.execute("""
						create table bench_job (
						  id bigint generated always as identity primary key,
						  customer_id varchar(200) not null,
						  status varchar(16) not null,
						  payload varchar not null,
						  result varchar,
						  worker_id varchar(200),
						  submitted_at timestamp with time zone not null,
						  started_at timestamp with time zone,
						  finished_at timestamp with time zone)""");
				sql.execute("create index bench_job_ready on bench_job (id) where status = 'ready'");
			}
		}

		@Override
		public @Nullable String submit(String customer, int operations, long sentAt, boolean probe)
				throws SQLException {
			try (var insert = connection.prepareStatement("""
					insert into bench_job (customer_id, status, payload, submitted_at)
					values (?, 'ready', ?, now())""")) {
				String payload = "{\"t\":" + sentAt + "}";
				for (int i = 0; i < operations; i++) {
					insert.setString(1, customer);
					insert.setString(2, payload);
					insert.addBatch();
				}
				insert.executeBatch();
			}
			connection.commit();
			return null;
		}

		@Override
		public List<Taken> take(String worker, int max) throws SQLException {
			var taken = new ArrayList<Taken>();
			try (var claim = connection.prepareStatement("""
					update bench_job set status = 'running', worker_id = ?, started_at = now()
					where id in (select id from bench_job where status = 'ready' order by id limit ?
					             for update skip locked)
					returning id, customer_id, payload""")) {
				claim.setString(1, worker);
				claim.setInt(2, max);
				try (var rows = claim.executeQuery()) {
					while (rows.next()) {
						String payload = rows.getString(3);
						taken.add(new Taken(rows.getString(1), rows.getString(2),
								Long.parseLong(payload.substring(5, payload.length() - 1)), false));
					}
				}
			}
			connection.commit();
			if (taken.isEmpty()) {
				// as the server's poll does when the queue is empty: look again a little
				// later
				LockSupport.parkNanos(5_000_000);
			}
			return taken;
		}

		@Override
		public @Nullable String complete(String worker, List<Taken> operations) throws SQLException {
			try (var done = connection.prepareStatement("""
					update bench_job set status = 'succeeded', result = '{"ok":true}', finished_at = now()
					where id = ? and status = 'running' and worker_id = ?""")) {
				for (var t : operations) {
					done.setLong(1, Long.parseLong(t.id()));
					done.setString(2, worker);
					done.addBatch();
				}
				done.executeBatch();
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
				// the run is over
			}
		}

	}

}

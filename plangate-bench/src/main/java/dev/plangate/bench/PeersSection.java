package dev.plangate.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import tools.jackson.databind.json.JsonMapper;

/**
 * The batch queue's peers, measured in the same run as Plangate's batches: pg-boss on
 * PostgreSQL and BullMQ on Redis (the Node scripts in {@code --peers}, run with the
 * machine's {@code node} from a copy in {@code --peers-work}, where their packages are
 * installed with {@code npm ci}), and db-scheduler in this JVM on PostgreSQL. Each peer
 * inserts its jobs first, then its workers complete them all: completions a second is its
 * figure, the best of the rounds, and Plangate's batch figure is printed as a ratio to
 * each.
 */
final class PeersSection {

	/** Customers the peers' jobs are spread over, as the scripts' default. */
	static final int CUSTOMERS = 100;

	/** Jobs a pg-boss worker fetches at once: what one of Plangate's polls asks for. */
	static final int PGBOSS_BATCH = BatchSection.POLL_MAX;

	/** BullMQ's worker concurrency, the script's default. */
	static final int BULLMQ_CONCURRENCY = 50;

	private static final Duration PEER_TIMEOUT = Duration.ofMinutes(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final Options options;

	private final Targets targets;

	PeersSection(Options options, Targets targets) {
		this.options = options;
		this.targets = targets;
	}

	/** One peer's best round, or why it was not measured. */
	record Peer(String name, String setUp, double completionsPerSecond, @Nullable String failure) {

		static Peer failed(String name, String setUp, String failure) {
			return new Peer(name, setUp, 0, failure);
		}

		boolean measured() {
			return failure == null && completionsPerSecond > 0;
		}

	}

	/**
	 * Measures the peers and prints them beside Plangate's batch figure ({@code null}
	 * when the batch section did not run).
	 */
	void run(PrintStream out, @Nullable Double plangate) throws Exception {
		var cpu = new CpuShare();
		int n = options.peerOperations();
		String pgBossSetUp = String.format("%d workers fetching %d, priority, group caps by tier", options.workers(),
				PGBOSS_BATCH);
		String bullSetUp = String.format("one worker, concurrency %d, priority", BULLMQ_CONCURRENCY);
		String schedulerSetUp = String.format("%d threads, lock-and-fetch polling, priority", options.workers());
		Path work;
		String prepared;
		try {
			work = prepare();
			prepared = null;
		}
		catch (IOException | RuntimeException ex) {
			work = Path.of(options.peersWork());
			prepared = ex.getMessage();
		}
		resetDatabase();
		var peerWork = work;
		String nodeFailure = prepared;
		List<Supplier<Peer>> peers = List.of(
				() -> nodeFailure != null ? Peer.failed("pg-boss", pgBossSetUp, nodeFailure)
						: node(peerWork, "pgboss-bench.mjs", "pg-boss", pgBossSetUp,
								Map.of("N", "" + n, "C", "" + CUSTOMERS, "W", "" + options.workers(), "B",
										"" + PGBOSS_BATCH, "DB",
										nodePostgresUrl(options.postgresUrl(), options.postgresUser(),
												options.peersDatabase()))),
				() -> nodeFailure != null ? Peer.failed("BullMQ", bullSetUp, nodeFailure)
						: node(peerWork, "bullmq-bench.mjs", "BullMQ", bullSetUp,
								Map.of("N", "" + n, "C", "" + CUSTOMERS, "W", "" + BULLMQ_CONCURRENCY)),
				() -> dbScheduler(schedulerSetUp));
		List<Peer> best;
		try {
			best = Rounds.interleave(options.rounds(), peers).stream().map(PeersSection::best).toList();
		}
		finally {
			dropDatabase();
			Stack.deleteRedisKeys(options.redisUrl(), "bull:ops_");
		}

		out.printf(
				"== Batch queue peers, in this run: %,d jobs over %d customers each, inserted first, then "
						+ "completed by the workers (completions/s); best of %d rounds%n",
				n, CUSTOMERS, options.rounds());
		var table = new Table("queue", "set-up", "completions/s", "Plangate x", "target");
		if (plangate != null) {
			table.row("Plangate batches (end to end over HTTP, see Batches)",
					options.workers() + " workers polling up to " + BatchSection.POLL_MAX, Table.count(plangate), "",
					"");
		}
		for (var peer : best) {
			String target = "";
			if (peer.name().equals("pg-boss")) {
				target = target(plangate, peer);
			}
			table.row(peer.name(), peer.setUp(), peer.measured() ? Table.count(peer.completionsPerSecond()) : "-",
					ratio(plangate, peer), target);
		}
		table.print(out);
		for (var peer : best) {
			if (peer.failure() != null) {
				out.printf("  %s not measured: %s%n", peer.name(), peer.failure());
			}
		}
		out.println(cpu.since() + "; node, running pg-boss and BullMQ, counts among the other processes");
		out.println();
	}

	/** The target: Plangate's batches at least 1.5 times pg-boss's completions. */
	private String target(@Nullable Double plangate, Peer pgBoss) {
		String name = "PostgreSQL: batches >= 1.5x pg-boss completions/s (same run)";
		if (plangate == null || !pgBoss.measured()) {
			return targets.notMeasured(name, plangate == null ? "the batch section did not run" : "pg-boss failed");
		}
		return targets.ratio(name, plangate / pgBoss.completionsPerSecond(), 1.5);
	}

	static String ratio(@Nullable Double plangate, Peer peer) {
		return plangate == null || !peer.measured() ? "-" : Table.ratio(plangate / peer.completionsPerSecond());
	}

	private static Peer best(List<Peer> rounds) {
		return rounds.stream()
			.filter(Peer::measured)
			.max((a, b) -> Double.compare(a.completionsPerSecond(), b.completionsPerSecond()))
			.orElse(rounds.get(rounds.size() - 1));
	}

	/**
	 * The peers' scripts copied where their packages can be installed (the folder they
	 * come from may be read-only), BullMQ's pointed at the bench's Redis, and
	 * {@code npm ci} run when the packages are missing or their lock file changed.
	 */
	private Path prepare() throws IOException, InterruptedException {
		var source = Path.of(options.peers());
		if (!Files.isRegularFile(source.resolve("package.json"))) {
			throw new IOException("no package.json in " + source.toAbsolutePath().normalize()
					+ " (--peers names the folder of the queue peers' scripts)");
		}
		var work = Path.of(options.peersWork());
		Files.createDirectories(work);
		var lock = source.resolve("package-lock.json");
		boolean install = !Files.isDirectory(work.resolve("node_modules")) || !Files.isRegularFile(lock)
				|| !Files.isRegularFile(work.resolve("package-lock.json"))
				|| Files.mismatch(lock, work.resolve("package-lock.json")) >= 0;
		try (var files = Files.list(source)) {
			for (var file : files.filter(Files::isRegularFile).toList()) {
				String name = file.getFileName().toString();
				if (name.endsWith(".mjs") || name.equals("package.json") || name.equals("package-lock.json")) {
					var target = work.resolve(name);
					Files.deleteIfExists(target);
					Files.copy(file, target, StandardCopyOption.REPLACE_EXISTING);
					target.toFile().setWritable(true, true);
				}
			}
		}
		var bull = work.resolve("bullmq-bench.mjs");
		if (Files.isRegularFile(bull)) {
			Files.writeString(bull, bullmqConnection(Files.readString(bull), options.redisUrl()));
		}
		if (install) {
			var command = Files.isRegularFile(lock) ? List.of("npm", "ci", "--no-audit", "--no-fund")
					: List.of("npm", "install", "--no-audit", "--no-fund");
			var npm = new ProcessBuilder(command).directory(work.toFile())
				.redirectErrorStream(true)
				.redirectOutput(work.resolve("npm.log").toFile())
				.start();
			if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
				npm.destroyForcibly();
				throw new IOException(String.join(" ", command) + " failed in " + work + ", see npm.log there");
			}
		}
		return work;
	}

	/**
	 * The BullMQ script with its Redis connection ({@code 127.0.0.1:6379}, database 0)
	 * replaced by the bench's ({@code --redis-url}, whose path is the database number).
	 */
	static String bullmqConnection(String script, String redisUrl) {
		var uri = URI.create(redisUrl);
		String host = uri.getHost() == null ? "127.0.0.1" : uri.getHost();
		int port = uri.getPort() < 0 ? 6379 : uri.getPort();
		String path = uri.getPath() == null ? "" : uri.getPath().replace("/", "");
		int database = path.isEmpty() ? 0 : Integer.parseInt(path);
		String original = "{ host: '127.0.0.1', port: 6379,";
		if (!script.contains(original)) {
			throw new IllegalArgumentException("The BullMQ script's connection is not " + original + " any more");
		}
		return script.replace(original, "{ host: '" + host + "', port: " + port + ", db: " + database + ",");
	}

	/**
	 * node-postgres's URL of a database on the server of a JDBC URL such as
	 * {@code jdbc:postgresql://h:5432/}.
	 */
	static String nodePostgresUrl(String jdbcUrl, String user, String database) {
		var uri = URI.create(jdbcUrl.substring("jdbc:".length()));
		return "postgres://" + user + "@" + uri.getHost() + ":" + (uri.getPort() < 0 ? 5432 : uri.getPort()) + "/"
				+ database;
	}

	/**
	 * The figure in what a peer script prints: its last JSON line's
	 * {@code complete_per_s}.
	 */
	static double completionsPerSecond(String output) {
		var lines = Arrays.asList(output.split("\n"));
		for (int i = lines.size() - 1; i >= 0; i--) {
			String line = lines.get(i).strip();
			if (line.startsWith("{")) {
				var figure = JSON.readTree(line).path("complete_per_s");
				if (figure.isNumber()) {
					return figure.asDouble();
				}
			}
		}
		throw new IllegalArgumentException("no JSON line with complete_per_s in: " + output.strip());
	}

	private Peer node(Path work, String script, String name, String setUp, Map<String, String> environment) {
		try {
			var builder = new ProcessBuilder("node", script).directory(work.toFile()).redirectErrorStream(true);
			builder.environment().putAll(environment);
			var process = builder.start();
			var output = new StringBuilder();
			var reader = new Thread(() -> {
				try {
					output.append(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
				}
				catch (IOException ex) {
					// the process ended
				}
			}, "bench-peer-output");
			reader.start();
			if (!process.waitFor(PEER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
				process.destroyForcibly().waitFor();
				reader.join();
				return Peer.failed(name, setUp, "did not finish within " + Table.duration(PEER_TIMEOUT));
			}
			reader.join();
			if (process.exitValue() != 0) {
				return Peer.failed(name, setUp, "node " + script + " exited with " + process.exitValue() + ": "
						+ output.toString().strip().lines().reduce((a, b) -> b).orElse(""));
			}
			return new Peer(name, setUp, completionsPerSecond(output.toString()), null);
		}
		catch (IOException | RuntimeException ex) {
			return Peer.failed(name, setUp, ex.getMessage());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Peer.failed(name, setUp, "interrupted");
		}
	}

	/**
	 * db-scheduler in this JVM on its own table: the jobs scheduled due now in batches of
	 * 1,000 (a quarter of the customers' with priority), then a scheduler started and
	 * timed until it has run them all.
	 */
	private Peer dbScheduler(String setUp) {
		String name = "db-scheduler";
		LoggingSystem.get(PeersSection.class.getClassLoader()).setLogLevel("com.github.kagkarlsson", LogLevel.WARN);
		int n = options.peerOperations();
		var config = new HikariConfig();
		config.setJdbcUrl(options.postgresUrl() + options.peersDatabase());
		config.setUsername(options.postgresUser());
		config.setMaximumPoolSize(options.workers() + 4);
		try (var dataSource = new HikariDataSource(config)) {
			createSchedulerTable(dataSource);
			var done = new CountDownLatch(n);
			var ran = new AtomicLong();
			OneTimeTask<Void> task = Tasks.oneTime("op").execute((instance, context) -> {
				ran.incrementAndGet();
				done.countDown();
			});
			var scheduler = Scheduler.create(dataSource, task)
				.threads(options.workers())
				.pollUsingLockAndFetch(0.5, 4.0)
				.enablePriority()
				.build();
			var instances = new ArrayList<TaskInstance<?>>();
			var now = Instant.now();
			for (int i = 0; i < n; i++) {
				int customer = i % CUSTOMERS;
				instances.add(
						task.instanceBuilder("cust" + customer + "-" + i).priority(customer % 4 == 0 ? 10 : 0).build());
				if (instances.size() == 1000 || i == n - 1) {
					scheduler.scheduleBatch(instances, now);
					instances.clear();
				}
			}
			long start = System.nanoTime();
			scheduler.start();
			try {
				if (!done.await(PEER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
					return Peer.failed(name, setUp,
							ran.get() + " of " + n + " run within " + Table.duration(PEER_TIMEOUT));
				}
				double seconds = (System.nanoTime() - start) / 1e9;
				return new Peer(name, setUp, n / seconds, null);
			}
			finally {
				scheduler.stop();
			}
		}
		catch (SQLException | RuntimeException ex) {
			return Peer.failed(name, setUp, ex.toString());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Peer.failed(name, setUp, "interrupted");
		}
	}

	/** db-scheduler's table for PostgreSQL (its documented schema), empty. */
	private static void createSchedulerTable(DataSource dataSource) throws SQLException {
		try (var connection = dataSource.getConnection(); var sql = connection.createStatement()) {
			sql.execute("drop table if exists scheduled_tasks");
			sql.execute("""
					create table scheduled_tasks (
					  task_name text not null,
					  task_instance text not null,
					  task_data bytea,
					  execution_time timestamp with time zone not null,
					  picked boolean not null,
					  picked_by text,
					  last_success timestamp with time zone,
					  last_failure timestamp with time zone,
					  consecutive_failures int,
					  last_heartbeat timestamp with time zone,
					  version bigint not null,
					  priority smallint,
					  primary key (task_name, task_instance))""");
			sql.execute("create index execution_time_idx on scheduled_tasks (execution_time)");
			sql.execute("create index last_heartbeat_idx on scheduled_tasks (last_heartbeat)");
			sql.execute(
					"create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc)");
		}
	}

	private void resetDatabase() throws SQLException {
		dropDatabase();
		administer("create database " + options.peersDatabase());
	}

	private void dropDatabase() throws SQLException {
		administer("drop database if exists " + options.peersDatabase() + " with (force)");
	}

	private void administer(String statement) throws SQLException {
		try (var admin = DriverManager.getConnection(options.postgresUrl() + "postgres", options.postgresUser(), "");
				var sql = admin.createStatement()) {
			sql.execute(statement);
		}
	}

}

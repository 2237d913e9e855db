package dev.plangate.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.springframework.boot.convert.DurationStyle;

/** The command line. */
record Options(List<Stack> stacks, Set<Section> sections, int rounds, Duration warmup, Duration duration,
		int connections, int batchEvents, int senders, int workers, int batchOperations, Duration batchWarmup,
		long historyEvents, int webhookEvents, String postgresUrl, String postgresUser, String redisUrl,
		String database, Profiler.Settings profile, Set<Setup> setups, boolean pin, String serverJava,
		List<String> serverJvmArgs, List<String> serverSettings, String peers, String peersWork, String peersDatabase,
		int peerOperations) {

	enum Section {

		HTTP, INGEST, ALLOWANCE, SDK, BATCH, PEERS, HISTORY, WEBHOOK, REDIS, JMH

	}

	/**
	 * Where the HTTP section's server runs: in the bench's JVM beside the load generator,
	 * or in a JVM of its own.
	 */
	enum Setup {

		IN_PROCESS, SEPARATE

	}

	static final String USAGE = """
			java -jar plangate-bench/target/plangate-bench.jar [options]
			  --stack embedded|postgres|both    which server set-up to measure (both)
			  --only http,ingest,allowance,sdk,batch,peers,history,webhook,redis,jmh   which sections to run (all;
			                                    batch, peers, history, webhook and redis with the postgres stack)
			  --rounds 2                        runs of each path, interleaved; the best is kept
			  --duration 5s                     each measured run
			  --warmup 1s                       before each measured run
			  --connections 16                  concurrent HTTP connections (and Redis threads)
			  --batch 1000                      usage events per ingestion request
			  --senders 4                       concurrent ingestion requests
			  --workers 8                       batch workers, each polling and completing on its own connection
			  --batch-operations 500            operations in each submitted batch
			  --batch-warmup 120s               the batch section's unmeasured rounds first (for the JIT), then VACUUM
			  --history-events 10000000         usage events of the one customer whose history is read
			  --webhook-events 20000            events delivered to the webhook receiver
			  --postgres-url jdbc:postgresql://127.0.0.1:5432/   where the plangate_bench database is made
			  --postgres-user postgres
			  --redis-url redis://127.0.0.1:6379
			  --database plangate_bench         the database made and dropped, and the prefix of the Redis keys
			  --split no|yes|both               the HTTP section's server in the bench's JVM (no), in a JVM of its
			                                    own with the load generator in the bench's (yes), or both, one after
			                                    the other (both)
			  --pin                             with --split, the server's JVM on core 0 and the bench's on core 1
			  --server-java PATH                the java of the separate server (this JVM's)
			  --server-jvm-args 'ARGS'          its JVM options, e.g. '-XX:+UseZGC' (none)
			  --server-setting NAME=VALUE       a server setting, in either set-up, e.g.
			                                    spring.threads.virtual.enabled=false (repeatable)
			  --peers DIR                       the queue peers' scripts, pg-boss and BullMQ (../shared/peers/queues)
			  --peers-work DIR                  where they are copied and their npm packages installed
			                                    (plangate-bench/target/bench-peers)
			  --peers-database bench_peers      the database made and dropped for pg-boss and db-scheduler
			  --peer-operations 20000           jobs each peer completes a round
			  --profile [cpu,alloc,DIR]         record each measured run with JFR and print where the server's CPU time
			                                    (cpu) and allocations (alloc) go (both), the .jfr files in DIR
			                                    (plangate-bench/target/bench-profiles)
			""";

	static Options parse(String[] args) {
		var stacks = List.of(Stack.EMBEDDED, Stack.POSTGRES);
		Set<Section> sections = EnumSet.allOf(Section.class);
		int rounds = 2;
		var warmup = Duration.ofSeconds(1);
		var duration = Duration.ofSeconds(5);
		int connections = 16;
		int batch = 1000;
		int senders = 4;
		int workers = 8;
		int batchOperations = 500;
		var batchWarmup = Duration.ofSeconds(120);
		long historyEvents = 10_000_000;
		int webhookEvents = 20_000;
		String postgresUrl = "jdbc:postgresql://127.0.0.1:5432/";
		String postgresUser = "postgres";
		String redisUrl = "redis://127.0.0.1:6379";
		String database = Stack.DATABASE;
		var profile = Profiler.Settings.OFF;
		Set<Setup> setups = EnumSet.allOf(Setup.class);
		boolean pin = false;
		String serverJava = ProcessHandle.current().info().command().orElse("java");
		List<String> serverJvmArgs = List.of();
		var serverSettings = new ArrayList<String>();
		String peers = "../shared/peers/queues";
		String peersWork = "plangate-bench/target/bench-peers";
		String peersDatabase = "bench_peers";
		int peerOperations = 20_000;
		for (int i = 0; i < args.length; i++) {
			String name = args[i];
			if (name.equals("--help")) {
				throw new IllegalArgumentException("Usage:");
			}
			if (name.equals("--profile")) {
				boolean valued = i + 1 < args.length && !args[i + 1].startsWith("--");
				profile = Profiler.Settings.parse(valued ? args[++i] : "");
				continue;
			}
			if (name.equals("--pin")) {
				pin = true;
				continue;
			}
			if (i + 1 >= args.length) {
				throw new IllegalArgumentException(name + " needs a value");
			}
			String value = args[++i];
			switch (name) {
				case "--stack" ->
					stacks = value.equals("both") ? stacks : List.of(Stack.valueOf(value.toUpperCase(Locale.ROOT)));
				case "--only" -> sections = sections(value);
				case "--rounds" -> rounds = Integer.parseInt(value);
				case "--duration" -> duration = DurationStyle.detectAndParse(value);
				case "--warmup" -> warmup = DurationStyle.detectAndParse(value);
				case "--connections" -> connections = Integer.parseInt(value);
				case "--batch" -> batch = Integer.parseInt(value);
				case "--senders" -> senders = Integer.parseInt(value);
				case "--workers" -> workers = Integer.parseInt(value);
				case "--batch-operations" -> batchOperations = Integer.parseInt(value);
				case "--batch-warmup" -> batchWarmup = DurationStyle.detectAndParse(value);
				case "--history-events" -> historyEvents = Long.parseLong(value);
				case "--webhook-events" -> webhookEvents = Integer.parseInt(value);
				case "--postgres-url" -> postgresUrl = value.endsWith("/") ? value : value + "/";
				case "--postgres-user" -> postgresUser = value;
				case "--redis-url" -> redisUrl = value;
				case "--database" -> database = plainName(name, value);
				case "--split" -> setups = switch (value) {
					case "no" -> EnumSet.of(Setup.IN_PROCESS);
					case "yes" -> EnumSet.of(Setup.SEPARATE);
					case "both" -> EnumSet.allOf(Setup.class);
					default -> throw new IllegalArgumentException("--split takes no, yes or both");
				};
				case "--server-java" -> serverJava = value;
				case "--server-jvm-args" ->
					serverJvmArgs = value.isBlank() ? List.of() : List.of(value.strip().split("\\s+"));
				case "--server-setting" -> {
					if (!value.matches("[A-Za-z][\\w.\\-\\[\\]]*=.*")) {
						throw new IllegalArgumentException("--server-setting takes NAME=VALUE, not " + value);
					}
					serverSettings.add(value);
				}
				case "--peers" -> peers = value;
				case "--peers-work" -> peersWork = value;
				case "--peers-database" -> peersDatabase = plainName(name, value);
				case "--peer-operations" -> peerOperations = Integer.parseInt(value);
				default -> throw new IllegalArgumentException("Unknown option " + name);
			}
		}
		return new Options(stacks, sections, rounds, warmup, duration, connections, batch, senders, workers,
				batchOperations, batchWarmup, historyEvents, webhookEvents, postgresUrl, postgresUser, redisUrl,
				database, profile, setups, pin, serverJava, serverJvmArgs, List.copyOf(serverSettings), peers,
				peersWork, peersDatabase, peerOperations);
	}

	private static String plainName(String option, String value) {
		if (!value.matches("[a-z_][a-z0-9_]{0,62}")) {
			throw new IllegalArgumentException(option + " must be a plain lower-case name");
		}
		if (option.equals("--peers-database") && value.equals("postgres")) {
			throw new IllegalArgumentException(option + " is dropped after the run: not postgres");
		}
		return value;
	}

	private static Set<Section> sections(String list) {
		var sections = new ArrayList<Section>();
		for (String name : list.split(",")) {
			sections.add(Section.valueOf(name.strip().toUpperCase(Locale.ROOT)));
		}
		return EnumSet.copyOf(sections);
	}

	/** The bench's Redis keys start with this, so that nothing else's are touched. */
	String redisPrefix() {
		return database.equals(Stack.DATABASE) ? Stack.REDIS_PREFIX : database + ":";
	}

	boolean runs(Section section) {
		return sections.contains(section);
	}

	boolean runs(Setup setup) {
		return setups.contains(setup);
	}

	boolean runs(Stack stack) {
		return stacks.contains(stack);
	}

}

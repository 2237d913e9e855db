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
		int connections, int batchEvents, int senders, int workers, int batchOperations, long historyEvents,
		int webhookEvents, String postgresUrl, String postgresUser, String redisUrl, String database,
		Profiler.Settings profile) {

	enum Section {

		HTTP, INGEST, ALLOWANCE, BATCH, HISTORY, WEBHOOK, REDIS, JMH

	}

	static final String USAGE = """
			java -jar plangate-bench/target/plangate-bench.jar [options]
			  --stack embedded|postgres|both    which server set-up to measure (both)
			  --only http,ingest,allowance,batch,history,webhook,redis,jmh   which sections to run (all; batch, history,
			                                    webhook and redis with the postgres stack)
			  --rounds 2                        runs of each path, interleaved; the best is kept
			  --duration 5s                     each measured run
			  --warmup 1s                       before each measured run
			  --connections 16                  concurrent HTTP connections (and Redis threads)
			  --batch 1000                      usage events per ingestion request
			  --senders 4                       concurrent ingestion requests
			  --workers 8                       batch workers, each polling and completing on its own connection
			  --batch-operations 500            operations in each submitted batch
			  --history-events 10000000         usage events of the one customer whose history is read
			  --webhook-events 20000            events delivered to the webhook receiver
			  --postgres-url jdbc:postgresql://127.0.0.1:5432/   where the plangate_bench database is made
			  --postgres-user postgres
			  --redis-url redis://127.0.0.1:6379
			  --database plangate_bench         the database made and dropped, and the prefix of the Redis keys
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
		long historyEvents = 10_000_000;
		int webhookEvents = 20_000;
		String postgresUrl = "jdbc:postgresql://127.0.0.1:5432/";
		String postgresUser = "postgres";
		String redisUrl = "redis://127.0.0.1:6379";
		String database = Stack.DATABASE;
		var profile = Profiler.Settings.OFF;
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
				case "--history-events" -> historyEvents = Long.parseLong(value);
				case "--webhook-events" -> webhookEvents = Integer.parseInt(value);
				case "--postgres-url" -> postgresUrl = value.endsWith("/") ? value : value + "/";
				case "--postgres-user" -> postgresUser = value;
				case "--redis-url" -> redisUrl = value;
				case "--database" -> {
					if (!value.matches("[a-z_][a-z0-9_]{0,62}")) {
						throw new IllegalArgumentException("--database must be a plain lower-case name");
					}
					database = value;
				}
				default -> throw new IllegalArgumentException("Unknown option " + name);
			}
		}
		return new Options(stacks, sections, rounds, warmup, duration, connections, batch, senders, workers,
				batchOperations, historyEvents, webhookEvents, postgresUrl, postgresUser, redisUrl, database, profile);
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

	boolean runs(Stack stack) {
		return stacks.contains(stack);
	}

}

package dev.plangate.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;

import com.sun.management.OperatingSystemMXBean;
import dev.plangate.bench.Options.Section;
import dev.plangate.bench.Options.Setup;

/**
 * Runs the benchmark: for each stack, HTTP check and consume against the server's
 * ceiling, with the server in this process and in a JVM of its own, and usage ingestion
 * against plain JDBC; the batch queue against a bare JDBC queue and against its peers
 * (pg-boss, BullMQ, db-scheduler) in the same run; then Redis decisions against Bucket4j
 * and the in-process decision cost; and prints each section's table and every target, met
 * or missed. The ratios, measured under the same conditions, are the figures to compare.
 */
public final class Bench {

	private Bench() {
	}

	public static void main(String[] args) throws Exception {
		Options options;
		try {
			options = Options.parse(args);
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.err.print(Options.USAGE);
			System.exit(2);
			return;
		}
		var out = System.out;
		describeMachine(out, args);
		var targets = new Targets();
		for (var stack : options.stacks()) {
			var setups = new ArrayList<HttpSection.Figures>();
			boolean inProcessHttp = options.runs(Section.HTTP) && options.runs(Setup.IN_PROCESS);
			if (inProcessHttp || options.runs(Section.INGEST) || options.runs(Section.ALLOWANCE)
					|| options.runs(Section.SDK)) {
				try (var server = Server.start(stack, options)) {
					if (inProcessHttp) {
						setups.add(new HttpSection(server, options, targets).run(out));
					}
					Double ingestRate = null;
					if (options.runs(Section.INGEST)) {
						ingestRate = new IngestSection(server, options, targets).run(out);
					}
					if (options.runs(Section.ALLOWANCE)) {
						new AllowanceSection(server, options, targets).run(out);
					}
					if (options.runs(Section.SDK)) {
						new SdkSection(server, options, targets).run(out, ingestRate);
					}
				}
			}
			if (options.runs(Section.HTTP) && options.runs(Setup.SEPARATE)) {
				try (var server = Server.separate(stack, options)) {
					setups.add(new HttpSection(server, options, targets).run(out));
				}
			}
			HttpSection.compare(out, stack, setups);
		}
		Double batches = null;
		if (options.runs(Section.BATCH) && options.runs(Stack.POSTGRES)) {
			try (var server = Server.withCatalog(Stack.POSTGRES, options, BatchSection.CATALOG)) {
				batches = new BatchSection(server, options, targets).run(out);
			}
		}
		if (options.runs(Section.PEERS) && options.runs(Stack.POSTGRES)) {
			new PeersSection(options, targets).run(out, batches);
		}
		if (options.runs(Section.HISTORY) && options.runs(Stack.POSTGRES)) {
			try (var server = Server.withCatalog(Stack.POSTGRES, options, "classpath:catalogs/default.yaml")) {
				new HistorySection(server, options, targets).run(out);
			}
		}
		if (options.runs(Section.WEBHOOK) && options.runs(Stack.POSTGRES)) {
			try (var server = Server.start(Stack.POSTGRES, options, "plangate.webhooks.allow-private-addresses=true")) {
				new WebhookSection(server, options, targets).run(out);
			}
		}
		if (options.runs(Section.REDIS) && options.runs(Stack.POSTGRES)) {
			new RedisSection(options, targets).run(out);
		}
		if (options.runs(Section.JMH)) {
			new JmhSection().run(out);
		}
		targets.print(out);
	}

	private static void describeMachine(PrintStream out, String[] args) throws Exception {
		var runtime = Runtime.getRuntime();
		out.println("Plangate bench, " + OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS));
		out.printf("machine: %s, %d cores, %,d MiB memory, %s %s (%s)%n", cpuModel(), runtime.availableProcessors(),
				((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() >> 20,
				System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("os.arch"));
		out.printf("JVM: %s %s, heap up to %,d MiB, %s%n", System.getProperty("java.vm.name"),
				System.getProperty("java.runtime.version"), runtime.maxMemory() >> 20,
				ManagementFactory.getRuntimeMXBean().getInputArguments());
		out.println("arguments: " + String.join(" ", args));
		out.println();
	}

	private static String cpuModel() throws Exception {
		var cpuinfo = Path.of("/proc/cpuinfo");
		if (!Files.isReadable(cpuinfo)) {
			return "CPU unknown";
		}
		try (var lines = Files.lines(cpuinfo)) {
			return lines.filter(l -> l.startsWith("model name"))
				.map(l -> l.substring(l.indexOf(':') + 1).strip())
				.findFirst()
				.orElse("CPU unknown");
		}
	}

}

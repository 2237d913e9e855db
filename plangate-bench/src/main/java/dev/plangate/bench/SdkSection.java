package dev.plangate.bench;

import java.io.PrintStream;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

import dev.plangate.client.Plangate;
import dev.plangate.client.PlangateStatus;
import dev.plangate.client.UsageEvent;

/**
 * What the SDK answers and sends on its own: switch checks answered in process by local
 * evaluation (each call timed, and each checked to have been answered locally), and usage
 * reported with {@code track}, buffered and sent in the background, from tracking until
 * the server has recorded the last event, beside the ingestion path's own rate measured
 * in the same run.
 */
final class SdkSection {

	private static final String SWITCH = "api_access";

	private final Server server;

	private final Options options;

	private final Targets targets;

	SdkSection(Server server, Options options, Targets targets) {
		this.server = server;
		this.options = options;
		this.targets = targets;
	}

	/**
	 * @param ingestRate the events a second {@code POST /v1/usage-events} recorded in
	 * this run, or null when the ingestion section did not run
	 */
	void run(PrintStream out, @Nullable Double ingestRate) throws Exception {
		out.printf("== The SDK on %s: one Plangate client, best of %d rounds of %s after %s warm-up%n",
				server.stack.title, options.rounds(), Table.duration(options.duration()),
				Table.duration(options.warmup()));
		localChecks(out);
		track(out, ingestRate);
		out.println();
	}

	private Plangate.Builder client() {
		return Plangate.builder(URI.create("http://127.0.0.1:" + server.address.getPort()), server.apiKey())
			.shutdownHook(false);
	}

	private void localChecks(PrintStream out) throws InterruptedException {
		String customer = Server.customer(0);
		try (var client = client().localEvaluation(true).build()) {
			long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
			while (client.status().stream() != PlangateStatus.StreamState.LIVE
					|| client.status().localDecisions() == 0) {
				client.check(customer, SWITCH);
				if (System.nanoTime() > deadline) {
					targets.notMeasured(server.stack.label + ": SDK local switch check p99 <= 1 us",
							"the entitlement stream did not become live in 30 s");
					return;
				}
				Thread.sleep(10);
			}
			timeChecks(client, customer, options.warmup());
			Histogram best = null;
			long bestCalls = 0;
			double bestSeconds = 0;
			long remote = 0;
			for (int round = 0; round < options.rounds(); round++) {
				long remoteBefore = client.status().remoteDecisions();
				var histogram = new Histogram(TimeUnit.SECONDS.toNanos(1), 3);
				long start = System.nanoTime();
				long calls = timeChecks(client, customer, options.duration(), histogram);
				double seconds = (System.nanoTime() - start) / 1e9;
				remote += client.status().remoteDecisions() - remoteBefore;
				if (best == null || histogram.getValueAtPercentile(99) < best.getValueAtPercentile(99)) {
					best = histogram;
					bestCalls = calls;
					bestSeconds = seconds;
				}
			}
			var table = new Table("path", "checks/s", "p50 us", "p99 us", "p99.9 us", "max us", "asked the server",
					"target");
			double p99 = best.getValueAtPercentile(99) / 1000.0;
			String target = targets.check(server.stack.label + ": SDK local switch check p99 <= 1 us, none remote",
					p99 <= 1.0 && remote == 0, String.format("p99 %.2f us, %,d remote", p99, remote));
			table.row("Plangate.check, switch, local evaluation", Table.count(bestCalls / bestSeconds),
					String.format("%.2f", best.getValueAtPercentile(50) / 1000.0), String.format("%.2f", p99),
					String.format("%.2f", best.getValueAtPercentile(99.9) / 1000.0),
					String.format("%.1f", best.getMaxValue() / 1000.0), String.format("%,d", remote), target);
			table.print(out);
		}
	}

	private static long timeChecks(Plangate client, String customer, Duration duration) {
		return timeChecks(client, customer, duration, null);
	}

	/** Checks one thread can make in {@code duration}, each timed into the histogram. */
	private static long timeChecks(Plangate client, String customer, Duration duration, @Nullable Histogram histogram) {
		long end = System.nanoTime() + duration.toNanos();
		long calls = 0;
		while (System.nanoTime() < end) {
			for (int i = 0; i < 1_000; i++) {
				long start = System.nanoTime();
				var decision = client.check(customer, SWITCH);
				long took = System.nanoTime() - start;
				if (!decision.allowed()) {
					throw new IllegalStateException("The bench's customer is refused " + SWITCH + ": " + decision);
				}
				if (histogram != null) {
					histogram.recordValue(Math.min(took, histogram.getHighestTrackableValue()));
				}
			}
			calls += 1_000;
		}
		return calls;
	}

	private void track(PrintStream out, @Nullable Double ingestRate) throws Exception {
		double best = 0;
		long bestEvents = 0;
		for (int round = 0; round <= options.rounds(); round++) {
			// the first round warms up
			var duration = round == 0 ? options.warmup() : options.duration();
			var tracked = new LongAdder();
			var stop = new AtomicBoolean();
			var cpu = new CpuShare();
			try (var client = client().trackBlockTimeout(Duration.ofMinutes(1))
				.trackSenders(options.senders())
				.build()) {
				var threads = new ArrayList<Thread>();
				long start = System.nanoTime();
				for (int t = 0; t < options.senders(); t++) {
					int first = t;
					var thread = new Thread(() -> {
						long n = first;
						while (!stop.get()) {
							client.track(UsageEvent.of(Server.customer(n), "api_calls", 1));
							n += options.senders();
							tracked.increment();
						}
					}, "bench-track-" + t);
					threads.add(thread);
					thread.start();
				}
				Thread.sleep(duration.toMillis());
				stop.set(true);
				for (var thread : threads) {
					thread.join();
				}
				if (!client.flush(Duration.ofMinutes(2))) {
					throw new IllegalStateException("Tracked events were still unsent 2 minutes after tracking ended");
				}
				double seconds = (System.nanoTime() - start) / 1e9;
				if (client.status().trackFailed() > 0) {
					throw new IllegalStateException(client.status().trackFailed() + " tracked events failed");
				}
				double rate = tracked.sum() / seconds;
				if (round > 0 && rate > best) {
					best = rate;
					bestEvents = tracked.sum();
				}
			}
			if (round == options.rounds()) {
				var table = new Table("path", "events/s", "events", "x POST /v1/usage-events", "target");
				String name = server.stack.label + ": SDK track sustains the ingestion path's rate (>= 0.8x)";
				String target = ingestRate == null ? targets.notMeasured(name, "run with --only ingest,sdk")
						: targets.ratio(name, best / ingestRate, 0.8);
				table.row("Plangate.track, " + options.senders() + " threads and senders, until recorded",
						Table.count(best), String.format("%,d", bestEvents),
						ingestRate == null ? "" : Table.ratio(best / ingestRate), target);
				table.print(out);
				out.println(cpu.since());
			}
		}
	}

}

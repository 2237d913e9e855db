package dev.plangate.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongFunction;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.plangate.bench.Options.Section;

/**
 * {@code check} and {@code consume} over HTTP against the same server's most trivial
 * endpoint, the liveness probe (public, no database, no business logic): the ceiling of
 * Tomcat, Spring MVC and Spring Security on this machine, measured in the same rounds.
 */
final class HttpSection {

	private static final String DURABLE_CONSUME = "durable consume (JDBC, a transaction each)";

	private final Server server;

	private final Options options;

	private final Targets targets;

	HttpSection(Server server, Options options, Targets targets) {
		this.server = server;
		this.options = options;
		this.targets = targets;
	}

	/** A path and how to make a caller for each connection. */
	private record Path(String name, Supplier<Load.Caller> callers) {
	}

	/** A path over HTTP, and how to make its n-th request. */
	private Path http(String name, LongFunction<byte[]> request) {
		return new Path(name, () -> new HttpCaller(server, request));
	}

	/**
	 * What the comparison of set-ups shows: the ceiling, and the quota paths at peak and
	 * at half.
	 */
	record Figures(String setup, Result ceiling, Result checkQuota, Result consumeQuota, Result checkHalf,
			Result consumeHalf, @Nullable Result durableConsume, String cpu) {
	}

	Figures run(PrintStream out) {
		var cpu = new CpuShare();
		var profiler = Profiler.of(options, Section.HTTP, server, out);
		byte[] liveness = server.anonymous("GET", "/actuator/health/liveness");
		var ceilingPath = http("GET /actuator/health/liveness", n -> liveness);
		var checkQuotaPath = http("POST /v1/check (quota)", n -> check(n, "api_calls"));
		var consumeQuotaPath = http("POST /v1/consume (quota)", n -> consume(Server.customer(n), "api_calls", n));
		var paths = new ArrayList<>(List.of(ceilingPath, http("POST /v1/check (switch)", n -> check(n, "sso")),
				checkQuotaPath, consumeQuotaPath,
				http("POST /v1/consume (quota, one customer)", n -> consume(Server.customer(0), "api_calls", n)),
				http("POST /v1/consume (rate)", n -> consume(Server.customer(n), "api_rate", n))));
		// on PostgreSQL, what a durable consume costs the database on its own, a
		// transaction each: the yardstick for the consume path beside the ceiling
		boolean durable = server.stack == Stack.POSTGRES;
		if (durable) {
			paths.add(new Path(DURABLE_CONSUME, DurableConsume.prepare(server)));
		}
		// an unmeasured round first: otherwise the JIT would still be compiling the stack
		// while the first path, the ceiling, is measured
		paths.forEach(path -> Load.closed(path.name(), options.connections(), options.duration(), Duration.ZERO,
				path.callers(), Profiler.OFF));
		var peakRuns = Rounds.interleave(options.rounds(),
				paths.stream().map(p -> (Supplier<Result>) () -> peak(p, profiler)).toList());
		var peaks = peakRuns.stream().map(Rounds::fastest).toList();
		var ceiling = peaks.get(0);
		var checkQuota = peaks.get(2);
		var consumeQuota = peaks.get(3);
		var durableConsume = durable ? peaks.get(6) : null;
		if (durable) {
			DurableConsume.drop(server);
		}
		var halfRuns = Rounds.interleave(options.rounds(),
				List.<Supplier<Result>>of(() -> halfPeak(checkQuotaPath, checkQuota, profiler),
						() -> halfPeak(consumeQuotaPath, consumeQuota, profiler)));
		var halves = halfRuns.stream()
			.map(runs -> runs.stream().min(Comparator.comparingDouble(Result::p99Millis)).orElseThrow())
			.toList();

		String stack = server.stack.label + ", server " + server.setup;
		out.printf(
				"== HTTP on %s, server %s: %d connections; a warm-up round, then best of %d rounds of %s after %s warm-up%n",
				server.stack.title, server.setup, options.connections(), options.rounds(),
				Table.duration(options.duration()), Table.duration(options.warmup()));
		var table = new Table("path (closed loop, peak)", "req/s", "x ceiling", "p50 ms", "x", "p99 ms", "x",
				"JVM CPU us/req", "x", "failed", "target");
		for (var path : peaks) {
			String target = path == checkQuota
					? ratioTarget(stack + ": check >= 0.8x ceiling", checkQuota, ceiling, 0.8) : path == consumeQuota
							? ratioTarget(stack + ": consume >= 0.6x ceiling", consumeQuota, ceiling, 0.6) : "";
			row(table, path, ceiling, target);
		}
		table.print(out);
		var half = new Table("path (open loop, half the peak)", "req/s", "p50 ms", "p99 ms", "failed", "target");
		halfRow(half, halves.get(0), stack + ": check p99 <= 2 ms at half peak");
		halfRow(half, halves.get(1), stack + ": consume p99 <= 2 ms at half peak");
		half.print(out);
		if (durableConsume != null) {
			out.printf("consume (quota) over HTTP: %s the durable consume over JDBC, a transaction each (%s/s)%n",
					Table.ratio(consumeQuota.throughput() / durableConsume.throughput()),
					Table.count(durableConsume.throughput()));
		}
		String cpuLine = cpu.since();
		out.println(cpuLine);
		failures(out, peakRuns);
		failures(out, halfRuns);
		out.println();
		return new Figures(server.setup, ceiling, checkQuota, consumeQuota, halves.get(0), halves.get(1),
				durableConsume, cpuLine);
	}

	/** The set-ups measured on one stack side by side, when there are more than one. */
	static void compare(PrintStream out, Stack stack, List<Figures> setups) {
		if (setups.size() < 2) {
			return;
		}
		out.println("== HTTP on " + stack.title + ", set-ups compared (peak: closed loop; half: open loop)");
		var table = new Table("server", "ceiling req/s", "check quota req/s", "x ceiling", "consume quota req/s",
				"x ceiling", "x durable consume", "check p99 ms at half", "consume p99 ms at half", "JVM CPU us/check");
		for (var f : setups) {
			table.row(f.setup(), Table.count(f.ceiling().throughput()), Table.count(f.checkQuota().throughput()),
					Table.ratio(f.checkQuota().throughput() / f.ceiling().throughput()),
					Table.count(f.consumeQuota().throughput()),
					Table.ratio(f.consumeQuota().throughput() / f.ceiling().throughput()),
					f.durableConsume() == null ? ""
							: Table.ratio(f.consumeQuota().throughput() / f.durableConsume().throughput()),
					Table.millis(f.checkHalf().p99Millis()), Table.millis(f.consumeHalf().p99Millis()),
					Table.count(f.checkQuota().cpuMicros()));
		}
		table.print(out);
		for (var f : setups) {
			out.println(f.setup() + ": " + f.cpu());
		}
		out.println();
	}

	private byte[] check(long n, String feature) {
		return server.request("POST", "/v1/check",
				"{\"customerId\":\"" + Server.customer(n) + "\",\"feature\":\"" + feature + "\"}");
	}

	/**
	 * A consume with an idempotency key of its own, so that each is decided and recorded
	 * rather than answered as a repeat.
	 */
	private byte[] consume(String customer, String feature, long n) {
		return server.request("POST", "/v1/consume", "{\"customerId\":\"" + customer + "\",\"feature\":\"" + feature
				+ "\",\"amount\":1,\"idempotencyKey\":\"bench-" + n + "\"}");
	}

	private Result peak(Path path, Profiler profiler) {
		return Load.closed(path.name(), options.connections(), options.warmup(), options.duration(), path.callers(),
				path.name().equals(DURABLE_CONSUME) ? Profiler.OFF : profiler);
	}

	private Result halfPeak(Path path, Result peak, Profiler profiler) {
		double rate = peak.throughput() / 2;
		return Load.open(path.name() + " at " + Table.count(rate) + "/s", options.connections(), rate, options.warmup(),
				options.duration(), path.callers(), profiler);
	}

	private String ratioTarget(String target, Result path, Result ceiling, double minimum) {
		return targets.ratio(target, path.throughput() / ceiling.throughput(), minimum);
	}

	private static void row(Table table, Result path, Result ceiling, String target) {
		table.row(path.name(), Table.count(path.throughput()), Table.ratio(path.throughput() / ceiling.throughput()),
				Table.millis(path.p50Millis()), Table.ratio(path.p50Millis() / ceiling.p50Millis()),
				Table.millis(path.p99Millis()), Table.ratio(path.p99Millis() / ceiling.p99Millis()),
				Table.count(path.cpuMicros()), Table.ratio(path.cpuMicros() / ceiling.cpuMicros()),
				Table.count(path.failures()), target);
	}

	private void halfRow(Table table, Result path, String target) {
		table.row(path.name(), Table.count(path.throughput()), Table.millis(path.p50Millis()),
				Table.millis(path.p99Millis()), Table.count(path.failures()),
				targets.check(target, path.p99Millis() <= 2.0, Table.millis(path.p99Millis()) + " ms"));
	}

	/** Every run's failures, the best rounds' and the others'. */
	static void failures(PrintStream out, List<List<Result>> runs) {
		for (var result : runs.stream().flatMap(List::stream).toList()) {
			if (result.failures() > 0) {
				out.printf("  %s: %,d failed, the first with %s%n", result.name(), result.failures(),
						result.firstFailure());
			}
		}
	}

	/** One connection's calls: a success is any 2xx answer. */
	static final class HttpCaller implements Load.Caller {

		private final HttpConnection http;

		private final LongFunction<byte[]> request;

		HttpCaller(Server server, LongFunction<byte[]> request) {
			this.http = new HttpConnection(server.address);
			this.request = request;
		}

		@Override
		public @Nullable String call(long n) throws Exception {
			int status = http.exchange(request.apply(n));
			return status / 100 == 2 ? null : "HTTP " + status;
		}

		@Override
		public void close() {
			http.close();
		}

	}

}

package dev.plangate.bench;

import java.io.PrintStream;
import java.util.function.LongFunction;

import org.jspecify.annotations.Nullable;

/**
 * {@code check} and {@code consume} over HTTP against the same server's most trivial
 * endpoint, the liveness probe (public, no database, no business logic): the ceiling of
 * Tomcat, Spring MVC and Spring Security on this machine, measured in the same run.
 */
final class HttpSection {

	private static final String CEILING = "GET /actuator/health/liveness";

	private final Server server;

	private final Options options;

	private final Targets targets;

	HttpSection(Server server, Options options, Targets targets) {
		this.server = server;
		this.options = options;
		this.targets = targets;
	}

	/**
	 * The ceiling is measured first and again last, and the higher taken, so that neither
	 * a JIT not yet warm nor a neighbour's load during one of them flatters the ratios.
	 */
	void run(PrintStream out) {
		var cpu = new CpuShare();
		byte[] liveness = server.anonymous("GET", "/actuator/health/liveness");
		var ceilingFirst = peak(CEILING + " (first)", n -> liveness);
		var checkSwitch = peak("POST /v1/check (switch)", n -> check(n, "sso"));
		var checkQuota = peak("POST /v1/check (quota)", n -> check(n, "api_calls"));
		var consumeQuota = peak("POST /v1/consume (quota)", n -> consume(Server.customer(n), "api_calls", "spread", n));
		var consumeHot = peak("POST /v1/consume (quota, one customer)",
				n -> consume(Server.customer(0), "api_calls", "hot", n));
		var consumeRate = peak("POST /v1/consume (rate)", n -> consume(Server.customer(n), "api_rate", "rate", n));
		var checkHalf = halfPeak(checkQuota, n -> check(n, "api_calls"));
		var consumeHalf = halfPeak(consumeQuota, n -> consume(Server.customer(n), "api_calls", "half", n));
		var ceilingLast = peak(CEILING + " (last)", n -> liveness);
		var ceiling = ceilingFirst.throughput() >= ceilingLast.throughput() ? ceilingFirst : ceilingLast;

		String stack = server.stack.label;
		out.printf("== HTTP on %s: %d connections, each path %s after %s warm-up%n", server.stack.title,
				options.connections(), Table.duration(options.duration()), Table.duration(options.warmup()));
		var peaks = new Table("path (closed loop, peak)", "req/s", "x ceiling", "p50 ms", "x", "p99 ms", "x", "failed",
				"target");
		row(peaks, ceilingFirst, ceiling, "");
		row(peaks, ceilingLast, ceiling, "");
		row(peaks, checkSwitch, ceiling, "");
		row(peaks, checkQuota, ceiling, ratioTarget(stack + ": check >= 0.8x ceiling", checkQuota, ceiling, 0.8));
		row(peaks, consumeQuota, ceiling, ratioTarget(stack + ": consume >= 0.6x ceiling", consumeQuota, ceiling, 0.6));
		row(peaks, consumeHot, ceiling, "");
		row(peaks, consumeRate, ceiling, "");
		peaks.print(out);
		var half = new Table("path (open loop, half the peak)", "req/s", "p50 ms", "p99 ms", "failed", "target");
		halfRow(half, checkHalf, stack + ": check p99 <= 2 ms at half peak");
		halfRow(half, consumeHalf, stack + ": consume p99 <= 2 ms at half peak");
		half.print(out);
		out.println(cpu.since());
		failures(out, ceilingFirst, ceilingLast, checkSwitch, checkQuota, consumeQuota, consumeHot, consumeRate,
				checkHalf, consumeHalf);
	}

	private byte[] check(long n, String feature) {
		return server.request("POST", "/v1/check",
				"{\"customerId\":\"" + Server.customer(n) + "\",\"feature\":\"" + feature + "\"}");
	}

	/**
	 * A consume with an idempotency key of its own (the run's name and the call's
	 * number), so that each is decided and recorded rather than answered as a repeat.
	 */
	private byte[] consume(String customer, String feature, String run, long n) {
		return server.request("POST", "/v1/consume", "{\"customerId\":\"" + customer + "\",\"feature\":\"" + feature
				+ "\",\"amount\":1,\"idempotencyKey\":\"" + run + "-" + n + "\"}");
	}

	private Result peak(String name, LongFunction<byte[]> request) {
		return Load.closed(name, options.connections(), options.warmup(), options.duration(),
				() -> new HttpCaller(server, request));
	}

	private Result halfPeak(Result peak, LongFunction<byte[]> request) {
		double rate = peak.throughput() / 2;
		return Load.open(peak.name() + " at " + Table.count(rate) + "/s", options.connections(), rate, options.warmup(),
				options.duration(), () -> new HttpCaller(server, request));
	}

	private String ratioTarget(String target, Result path, Result ceiling, double minimum) {
		double ratio = path.throughput() / ceiling.throughput();
		return targets.check(target, ratio >= minimum, Table.ratio(ratio));
	}

	private static void row(Table table, Result path, Result ceiling, String target) {
		table.row(path.name(), Table.count(path.throughput()), Table.ratio(path.throughput() / ceiling.throughput()),
				Table.millis(path.p50Millis()), Table.ratio(path.p50Millis() / ceiling.p50Millis()),
				Table.millis(path.p99Millis()), Table.ratio(path.p99Millis() / ceiling.p99Millis()),
				Table.count(path.failures()), target);
	}

	private void halfRow(Table table, Result path, String target) {
		table.row(path.name(), Table.count(path.throughput()), Table.millis(path.p50Millis()),
				Table.millis(path.p99Millis()), Table.count(path.failures()),
				targets.check(target, path.p99Millis() <= 2.0, Table.millis(path.p99Millis()) + " ms"));
	}

	static void failures(PrintStream out, Result... results) {
		for (var result : results) {
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

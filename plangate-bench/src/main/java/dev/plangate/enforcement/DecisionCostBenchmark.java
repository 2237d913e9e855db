package dev.plangate.enforcement;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * What one rate-limit decision costs in the embedded store, on one hot key, against the
 * least a store keeping one number per key could do: one
 * {@link ConcurrentHashMap#compute} of the clock's time. Every variant reads the clock,
 * as the server does per decision.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DecisionCostBenchmark {

	static final String KEY = "bench-0:api_rate";

	/**
	 * Never runs out: every acquire is admitted and stores a new arrival time. Each takes
	 * 2 µs of allowance, so a run of millions a second gets minutes ahead of the clock;
	 * the window of 30 days keeps that far from the limit.
	 */
	private static final RateLimit GENEROUS = new RateLimit(1_000_000_000_000L, Duration.ofDays(30));

	/** Spent by the first acquire: every later one is refused and stores nothing. */
	private static final RateLimit SPENT = new RateLimit(1, Duration.ofHours(1));

	private final InMemoryRateLimitStore store = new InMemoryRateLimitStore();

	private final ConcurrentHashMap<String, Long> map = new ConcurrentHashMap<>();

	@Setup
	public void spend() {
		store.acquire("spent", SPENT, 1, Instant.now());
	}

	@Benchmark
	public Long baselineMapCompute() {
		long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
		return map.compute(KEY, (key, stored) -> now);
	}

	@Benchmark
	public RateDecision acquireAdmitted() {
		return store.acquire(KEY, GENEROUS, 1, Instant.now());
	}

	@Benchmark
	@Threads(2)
	public RateDecision acquireAdmittedTwoThreads() {
		return store.acquire(KEY, GENEROUS, 1, Instant.now());
	}

	@Benchmark
	public RateDecision acquireRefused() {
		return store.acquire("spent", SPENT, 1, Instant.now());
	}

	@Benchmark
	public RateDecision peek() {
		return store.peek(KEY, GENEROUS, 1, Instant.now());
	}

	@Benchmark
	public RateDecision gcraStep() {
		long now = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
		return Gcra.step(now, now, GENEROUS, 1).decision();
	}

}

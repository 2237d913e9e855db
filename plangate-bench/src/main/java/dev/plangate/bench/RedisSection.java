package dev.plangate.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.plangate.enforcement.RateLimit;
import dev.plangate.enforcement.RedisStoreForBench;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

/**
 * Rate-limit decisions in Redis on one hot key: the server's GCRA store against
 * Bucket4j's Redis (Lettuce) backend, with the same limit (1,000 a second, bursts of
 * 1,000), the same Redis, the same key pattern, one shared connection each and as many
 * threads. The load asks far more than the limit, so both admit and refuse. Each measured
 * run starts on a fresh key, and what it admitted is held to what the limit allows over
 * the run: the burst plus the refill of the elapsed time.
 */
final class RedisSection {

	private static final RateLimit LIMIT = new RateLimit(1_000, Duration.ofSeconds(1));

	/** Keys as the server makes them: customer and feature. */
	private static final String HOT_KEY = Server.customer(0) + ":api_rate";

	private static final String WARM_UP_KEY = Server.customer(1) + ":api_rate";

	private final Options options;

	private final Targets targets;

	RedisSection(Options options, Targets targets) {
		this.options = options;
		this.targets = targets;
	}

	/** A rate limiter in Redis, as the bench drives it. */
	private interface Limiter {

		/** Forgets a key, so that its next run starts with the full burst. */
		void reset(String key);

		boolean tryAcquire(String key, Instant now);

	}

	void run(PrintStream out) {
		var cpu = new CpuShare();
		Stack.deleteRedisKeys(options.redisUrl(), options.redisPrefix());
		List<List<Measured>> runs;
		try (var gcra = new GcraLimiter(options.redisUrl(), options.redisPrefix());
				var bucket4j = new Bucket4jLimiter(options.redisUrl(), options.redisPrefix())) {
			runs = Rounds.interleave(options.rounds(),
					List.<Supplier<Measured>>of(() -> measure("Plangate GCRA (RedisRateLimitStore)", gcra),
							() -> measure("Bucket4j 8.19 Lettuce (compare-and-swap)", bucket4j)));
		}
		Stack.deleteRedisKeys(options.redisUrl(), options.redisPrefix());
		var gcra = fastest(runs.get(0));
		var bucket4j = fastest(runs.get(1));
		long gcraOver = overAdmitted(runs.get(0));
		long bucket4jOver = overAdmitted(runs.get(1));

		out.printf(
				"== Redis rate-limit decisions on one hot key: %,d a second, %d threads; best of %d rounds of %s "
						+ "after %s warm-up%n",
				LIMIT.limit(), options.connections(), options.rounds(), Table.duration(options.duration()),
				Table.duration(options.warmup()));
		var table = new Table("store", "decisions/s", "x Bucket4j", "p50 ms", "x", "p99 ms", "x", "admitted",
				"allowed at most", "over-admitted (all rounds)", "failed", "target");
		row(table, gcra, bucket4j, gcraOver,
				targets.check("Redis: GCRA ahead of Bucket4j, no over-admission",
						gcra.result.throughput() > bucket4j.result.throughput() && gcraOver == 0 && bucket4jOver == 0,
						Table.ratio(gcra.result.throughput() / bucket4j.result.throughput()) + ", over-admitted "
								+ gcraOver + " / " + bucket4jOver));
		row(table, bucket4j, bucket4j, bucket4jOver, "");
		table.print(out);
		out.println(cpu.since());
		HttpSection.failures(out, runs.stream().map(r -> r.stream().map(Measured::result).toList()).toList());
	}

	/** Warms up on one customer's key, then measures on another's, fresh. */
	private Measured measure(String name, Limiter limiter) {
		Load.closed(name, options.connections(), Duration.ZERO, options.warmup(),
				() -> new DecidingCaller(limiter, WARM_UP_KEY, new ArrayList<>(), new LongAdder()), Profiler.OFF);
		limiter.reset(HOT_KEY);
		var callers = new ArrayList<DecidingCaller>();
		var admitted = new LongAdder();
		var result = Load.closed(name, options.connections(), Duration.ZERO, options.duration(),
				() -> new DecidingCaller(limiter, HOT_KEY, callers, admitted), Profiler.OFF);
		return new Measured(result, admitted.sum(), allowedAtMost(callers));
	}

	/**
	 * The burst plus the refill over the time from the first decision to the last,
	 * widened to whole milliseconds (Bucket4j's clock).
	 */
	private static long allowedAtMost(List<DecidingCaller> callers) {
		long first = callers.stream().mapToLong(c -> c.firstMicros).min().orElseThrow();
		long last = callers.stream().mapToLong(c -> c.lastMicros).max().orElseThrow();
		long elapsedMillis = Math.floorDiv(last, 1000) + 1 - Math.floorDiv(first, 1000);
		return LIMIT.limit() + elapsedMillis * LIMIT.limit() / LIMIT.window().toMillis();
	}

	private static Measured fastest(List<Measured> runs) {
		var fastest = Rounds.fastest(runs.stream().map(Measured::result).toList());
		return runs.stream().filter(m -> m.result == fastest).findFirst().orElseThrow();
	}

	private static long overAdmitted(List<Measured> runs) {
		return runs.stream().mapToLong(m -> Math.max(0, m.admitted - m.allowedAtMost)).sum();
	}

	private static void row(Table table, Measured store, Measured bucket4j, long overAdmitted, String target) {
		var r = store.result;
		var b = bucket4j.result;
		table.row(r.name(), Table.count(r.throughput()), Table.ratio(r.throughput() / b.throughput()),
				Table.millis(r.p50Millis()), Table.ratio(r.p50Millis() / b.p50Millis()), Table.millis(r.p99Millis()),
				Table.ratio(r.p99Millis() / b.p99Millis()), Table.count(store.admitted),
				Table.count(store.allowedAtMost), Table.count(overAdmitted), Table.count(r.failures()), target);
	}

	private record Measured(Result result, long admitted, long allowedAtMost) {
	}

	/** The server's store, with its key prefix. */
	private static final class GcraLimiter implements Limiter, AutoCloseable {

		private final RedisStoreForBench store;

		GcraLimiter(String redisUrl, String prefix) {
			this.store = new RedisStoreForBench(redisUrl, prefix + "rl:");
		}

		@Override
		public void reset(String key) {
			store.reset(key);
		}

		@Override
		public boolean tryAcquire(String key, Instant now) {
			return store.acquire(key, LIMIT, 1, now).allowed();
		}

		@Override
		public void close() {
			store.close();
		}

	}

	/**
	 * Bucket4j's token bucket of the same shape (capacity 1,000, refilled greedily at
	 * 1,000 a second) through its default Redis strategy, compare-and-swap; keys expire
	 * once the bucket would be full again. Bucket4j reads its own clock.
	 */
	private static final class Bucket4jLimiter implements Limiter, AutoCloseable {

		private final RedisClient client;

		private final StatefulRedisConnection<String, byte[]> connection;

		private final ProxyManager<String> proxies;

		private final BucketConfiguration configuration = BucketConfiguration.builder()
			.addLimit(Bandwidth.builder().capacity(LIMIT.limit()).refillGreedy(LIMIT.limit(), LIMIT.window()).build())
			.build();

		private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

		private final String prefix;

		Bucket4jLimiter(String redisUrl, String prefix) {
			this.prefix = prefix;
			this.client = RedisClient.create(redisUrl);
			this.connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
			this.proxies = Bucket4jLettuce.casBasedBuilder(connection)
				.expirationAfterWrite(
						ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
				.build();
		}

		@Override
		public void reset(String key) {
			proxies.removeProxy(redisKey(key));
		}

		@Override
		public boolean tryAcquire(String key, Instant now) {
			return buckets.computeIfAbsent(key, k -> proxies.builder().build(redisKey(k), () -> configuration))
				.tryConsume(1);
		}

		private String redisKey(String key) {
			return prefix + "b4j:" + key;
		}

		@Override
		public void close() {
			connection.close();
			client.shutdown();
		}

	}

	/** One thread's decisions, and the times of its first and last. */
	private static final class DecidingCaller implements Load.Caller {

		private final Limiter limiter;

		private final String key;

		private final LongAdder admitted;

		private long firstMicros = Long.MAX_VALUE;

		private long lastMicros = Long.MIN_VALUE;

		/** Made on the thread that starts the load, which adds it to {@code all}. */
		DecidingCaller(Limiter limiter, String key, List<DecidingCaller> all, LongAdder admitted) {
			this.limiter = limiter;
			this.key = key;
			this.admitted = admitted;
			all.add(this);
		}

		@Override
		public @Nullable String call(long n) {
			var now = Instant.now();
			firstMicros = Math.min(firstMicros, micros(now));
			if (limiter.tryAcquire(key, now)) {
				admitted.increment();
			}
			lastMicros = micros(Instant.now());
			return null;
		}

		private static long micros(Instant instant) {
			return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
		}

	}

}

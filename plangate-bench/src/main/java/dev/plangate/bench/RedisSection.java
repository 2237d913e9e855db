package dev.plangate.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.Predicate;

import org.jspecify.annotations.Nullable;

import dev.plangate.enforcement.RateLimit;
import dev.plangate.enforcement.RedisStoreForBench;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

/**
 * Rate-limit decisions in Redis on one hot key: the server's GCRA store against
 * Bucket4j's Redis (Lettuce) backend, with the same limit (1,000 a second, bursts of
 * 1,000), the same Redis, the same key pattern, one shared connection each and as many
 * threads. The load asks far more than the limit, so both admit and refuse; each run
 * starts on a fresh key, and what it admitted is held to what the limit allows over the
 * run: the burst plus the refill of the elapsed time.
 */
final class RedisSection {

	private static final RateLimit LIMIT = new RateLimit(1_000, Duration.ofSeconds(1));

	private final Options options;

	private final Targets targets;

	RedisSection(Options options, Targets targets) {
		this.options = options;
		this.targets = targets;
	}

	/** One decision: true when admitted. Called with the time it is made at. */
	private interface Decider extends Predicate<Instant> {

	}

	void run(PrintStream out) {
		var cpu = new CpuShare();
		Stack.deleteRedisKeys(options.redisUrl());
		Measured gcra;
		try (var store = new RedisStoreForBench(options.redisUrl(), Stack.REDIS_PREFIX + "rl:")) {
			gcra = measure("Plangate GCRA (RedisRateLimitStore)",
					key -> now -> store.acquire(key, LIMIT, 1, now).allowed());
		}
		Measured bucket4j;
		var client = RedisClient.create(options.redisUrl());
		try (var connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE))) {
			var buckets = Bucket4jLettuce.casBasedBuilder(connection)
				.expirationAfterWrite(
						ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
				.build();
			var configuration = BucketConfiguration.builder()
				.addLimit(
						Bandwidth.builder().capacity(LIMIT.limit()).refillGreedy(LIMIT.limit(), LIMIT.window()).build())
				.build();
			bucket4j = measure("Bucket4j 8.19 Lettuce (compare-and-swap)", key -> {
				var bucket = buckets.builder().build(Stack.REDIS_PREFIX + "b4j:" + key, () -> configuration);
				return now -> bucket.tryConsume(1);
			});
		}
		finally {
			client.shutdown();
		}
		Stack.deleteRedisKeys(options.redisUrl());

		out.printf("== Redis rate-limit decisions on one hot key: %,d a second, %d threads, %s each after %s warm-up%n",
				LIMIT.limit(), options.connections(), Table.duration(options.duration()),
				Table.duration(options.warmup()));
		var table = new Table("store", "decisions/s", "x Bucket4j", "p50 ms", "x", "p99 ms", "x", "admitted",
				"allowed at most", "over-admitted", "failed", "target");
		row(table, gcra, bucket4j,
				targets.check("Redis: GCRA ahead of Bucket4j, no over-admission",
						gcra.result.throughput() > bucket4j.result.throughput() && gcra.overAdmitted() == 0
								&& bucket4j.overAdmitted() == 0,
						Table.ratio(gcra.result.throughput() / bucket4j.result.throughput()) + ", over-admitted "
								+ gcra.overAdmitted() + " / " + bucket4j.overAdmitted()));
		row(table, bucket4j, bucket4j, "");
		table.print(out);
		out.println(cpu.since());
		HttpSection.failures(out, gcra.result, bucket4j.result);
	}

	/**
	 * Warms up on one customer's key, then measures on another's, fresh: keys as the
	 * server makes them, customer and feature.
	 */
	private Measured measure(String name, Function<String, Decider> decider) {
		Load.closed(name, options.connections(), Duration.ZERO, options.warmup(),
				() -> new DecidingCaller(decider.apply(Server.customer(1) + ":api_rate"), new ArrayList<>(),
						new LongAdder()));
		var callers = new ArrayList<DecidingCaller>();
		var admitted = new LongAdder();
		var hot = decider.apply(Server.customer(0) + ":api_rate");
		var result = Load.closed(name, options.connections(), Duration.ZERO, options.duration(),
				() -> new DecidingCaller(hot, callers, admitted));
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

	private static void row(Table table, Measured store, Measured bucket4j, String target) {
		var r = store.result;
		var b = bucket4j.result;
		table.row(r.name(), Table.count(r.throughput()), Table.ratio(r.throughput() / b.throughput()),
				Table.millis(r.p50Millis()), Table.ratio(r.p50Millis() / b.p50Millis()), Table.millis(r.p99Millis()),
				Table.ratio(r.p99Millis() / b.p99Millis()), Table.count(store.admitted),
				Table.count(store.allowedAtMost), Table.count(store.overAdmitted()), Table.count(r.failures()), target);
	}

	private record Measured(Result result, long admitted, long allowedAtMost) {

		long overAdmitted() {
			return Math.max(0, admitted - allowedAtMost);
		}

	}

	/** One thread's decisions, and the times of its first and last. */
	private static final class DecidingCaller implements Load.Caller {

		private final Decider decider;

		private final LongAdder admitted;

		private long firstMicros = Long.MAX_VALUE;

		private long lastMicros = Long.MIN_VALUE;

		/** Made on the thread that starts the load, which adds it to {@code all}. */
		DecidingCaller(Decider decider, List<DecidingCaller> all, LongAdder admitted) {
			this.decider = decider;
			this.admitted = admitted;
			all.add(this);
		}

		@Override
		public @Nullable String call(long n) {
			var now = Instant.now();
			firstMicros = Math.min(firstMicros, micros(now));
			if (decider.test(now)) {
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

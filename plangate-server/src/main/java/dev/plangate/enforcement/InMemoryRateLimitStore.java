package dev.plangate.enforcement;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate-limit state in this process, for the embedded single-node mode. Each decision is
 * one atomic {@link ConcurrentHashMap#compute} of the key's arrival time; keys whose
 * burst is fully restored are dropped.
 */
class InMemoryRateLimitStore implements RateLimitStore {

	private final ConcurrentHashMap<String, Long> tats = new ConcurrentHashMap<>();

	@Override
	public RateDecision acquire(String key, RateLimit limit, long cost, Instant now) {
		long nowMicros = micros(now);
		var result = new RateDecision[1];
		tats.compute(key, (k, stored) -> {
			var step = Gcra.step(stored == null ? 0 : stored, nowMicros, limit, cost);
			result[0] = step.decision();
			return step.tat() <= nowMicros ? null : step.tat();
		});
		return result[0];
	}

	@Override
	public RateDecision peek(String key, RateLimit limit, long cost, Instant now) {
		var stored = tats.get(key);
		return Gcra.step(stored == null ? 0 : stored, micros(now), limit, cost).decision();
	}

	@Override
	public void reset(String key) {
		tats.remove(key);
	}

	private static long micros(Instant instant) {
		return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
	}

}

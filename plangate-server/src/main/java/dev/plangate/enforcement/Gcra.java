package dev.plangate.enforcement;

import java.time.Duration;

/**
 * GCRA in microseconds, for the in-process store. The Redis store runs the same
 * arithmetic in Lua; the contract test suite holds both to the same answers.
 */
final class Gcra {

	private Gcra() {
	}

	/**
	 * The decision, and the new theoretical arrival time to keep when allowed (else the
	 * old one).
	 */
	record Step(RateDecision decision, long tat) {
	}

	static Step step(long storedTat, long now, RateLimit limit, long cost) {
		long interval = limit.intervalMicros();
		long window = limit.windowMicros();
		long tat = Math.max(storedTat, now);
		long newTat = tat + cost * interval;
		long allowAt = newTat - window;
		if (now < allowAt) {
			long remaining = Math.max(0, (window - (tat - now)) / interval);
			return new Step(new RateDecision(false, remaining, micros(allowAt - now), micros(tat - now)), storedTat);
		}
		long remaining = Math.max(0, (window - (newTat - now)) / interval);
		return new Step(new RateDecision(true, remaining, Duration.ZERO, micros(newTat - now)), newTat);
	}

	private static Duration micros(long micros) {
		return Duration.ofNanos(Math.max(0, micros) * 1000);
	}

}

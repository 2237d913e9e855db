package dev.plangate.enforcement;

import java.time.Duration;

/**
 * At most {@code limit} requests per {@code window}, in bursts of up to {@code limit}.
 */
public record RateLimit(long limit, Duration window) {

	public RateLimit {
		if (limit < 1 || window.isNegative() || window.isZero()) {
			throw new IllegalArgumentException(
					"A rate limit needs a limit >= 1 and a positive window, not " + limit + " per " + window);
		}
	}

	/**
	 * Microseconds between two requests at the sustained rate: the window spread over the
	 * limit.
	 */
	long intervalMicros() {
		return Math.max(1, windowMicros() / limit);
	}

	long windowMicros() {
		return window.toNanos() / 1000;
	}
}

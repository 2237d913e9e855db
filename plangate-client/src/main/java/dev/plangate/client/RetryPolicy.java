package dev.plangate.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Which failed attempts {@link Plangate} makes again, and how long it waits between them.
 * Only failures that are safe to repeat are retried: no answer at all (the connection
 * failed, was cut, or timed out), 502, 503 and 504, a 429 that is not a refusal of the
 * customer and says {@code Retry-After}, and 409 {@code idempotency_key_in_use} (the
 * first attempt is still being handled). Every attempt of a mutating call carries the
 * same {@code Idempotency-Key}, so the server applies it once however many attempts reach
 * it. A refusal ({@code quota_exceeded}, {@code rate_limited}, …) and bad input are never
 * retried.
 * <p>
 * The wait before attempt n+1 is the answer's {@code Retry-After} when it gives one (and
 * not longer than {@link #maxRetryAfter()}; a longer one ends the call), otherwise
 * exponential: {@code initialBackoff × 2^(n-1)}, at most {@code maxBackoff}, of which a
 * random half is taken off (jitter), so that many clients failing together do not retry
 * together.
 *
 * @param maxAttempts attempts in all, the first included (1: no retry)
 * @param initialBackoff the wait before the first retry, before jitter
 * @param maxBackoff the longest wait computed by backoff
 * @param maxRetryAfter the longest {@code Retry-After} waited for
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

	public RetryPolicy {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("maxAttempts must be at least 1, not " + maxAttempts);
		}
		Objects.requireNonNull(initialBackoff, "initialBackoff");
		Objects.requireNonNull(maxBackoff, "maxBackoff");
		Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
		if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0 || maxRetryAfter.isNegative()) {
			throw new IllegalArgumentException("backoffs must be positive with maxBackoff at least initialBackoff: "
					+ initialBackoff + ", " + maxBackoff + ", " + maxRetryAfter);
		}
	}

	/**
	 * 4 attempts, backing off from 200 ms to at most 5 s, waiting at most 30 s for a
	 * Retry-After.
	 */
	public static RetryPolicy defaults() {
		return new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30));
	}

	/** One attempt per call: every failure is thrown at once. */
	public static RetryPolicy none() {
		return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);
	}

	/** This policy with {@code maxAttempts} attempts in all. */
	public RetryPolicy withMaxAttempts(int maxAttempts) {
		return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, maxRetryAfter);
	}

	/** This policy backing off from {@code initial} to at most {@code max}. */
	public RetryPolicy withBackoff(Duration initial, Duration max) {
		return new RetryPolicy(maxAttempts, initial, max, maxRetryAfter);
	}

	/** This policy waiting at most {@code max} for an answer's {@code Retry-After}. */
	public RetryPolicy withMaxRetryAfter(Duration max) {
		return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, max);
	}

	/** The wait before attempt {@code attempt + 1}, jitter included. */
	Duration backoff(int attempt, double random) {
		long base = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
		long capped = Math.min(Math.max(base, 0), maxBackoff.toMillis());
		return Duration.ofMillis(capped - (long) (capped / 2.0 * random));
	}

}

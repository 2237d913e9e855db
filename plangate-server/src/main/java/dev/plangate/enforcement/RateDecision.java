package dev.plangate.enforcement;

import java.time.Duration;

/**
 * The answer of a rate-limit store.
 *
 * @param remaining how many more requests would be allowed right now
 * @param retryAfter when a refused request would be allowed; zero when allowed
 * @param resetAfter when the customer's full burst is available again
 */
public record RateDecision(boolean allowed, long remaining, Duration retryAfter, Duration resetAfter) {
}

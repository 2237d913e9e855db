package dev.plangate.enforcement;

import java.time.Instant;

/**
 * Where rate-limit state lives: in this process (one node) or in Redis (shared by every
 * node). Each decision is one atomic step in the store: GCRA (the generic cell rate
 * algorithm), which keeps one number per key, the theoretical arrival time of the next
 * request. It allows bursts of up to {@code limit} at once and {@code limit} per window
 * sustained: over any interval of length t, at most {@code limit + t * limit / window}
 * requests.
 */
public interface RateLimitStore {

	/** Takes {@code cost} requests' worth if allowed. */
	RateDecision acquire(String key, RateLimit limit, long cost, Instant now);

	/** Would {@code cost} be allowed? Changes nothing. */
	RateDecision peek(String key, RateLimit limit, long cost, Instant now);

	/** Forgets a key: the full burst is available again. */
	void reset(String key);

}

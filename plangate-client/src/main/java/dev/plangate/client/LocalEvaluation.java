package dev.plangate.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of local evaluation ({@link Plangate.Builder#localEvaluation}): switch and
 * setting checks answered in this process from customers' entitlements held in memory,
 * kept current by the server's entitlement stream.
 *
 * @param stalenessBound the longest the stream may be silent (no change and no
 * keep-alive) before answers go back to the server; no local answer rests on a stream
 * heard from longer ago. Default 15 s; the server sends a keep-alive every 5 s by default
 * ({@code plangate.subscriptions.stream-keep-alive}), so keep it at least twice that.
 * @param maxCustomers the most customers held; the least recently asked about goes first
 * (default 10,000)
 * @param idleExpiry a customer not asked about for this long is dropped (default 10 min)
 * @param reconnectMin the first wait before reconnecting a cut stream, doubled (with
 * jitter) on each failure (default 250 ms)
 * @param reconnectMax the longest wait between reconnection attempts (default 10 s)
 */
public record LocalEvaluation(Duration stalenessBound, int maxCustomers, Duration idleExpiry, Duration reconnectMin,
		Duration reconnectMax) {

	public LocalEvaluation {
		positive(stalenessBound, "stalenessBound");
		positive(idleExpiry, "idleExpiry");
		positive(reconnectMin, "reconnectMin");
		positive(reconnectMax, "reconnectMax");
		if (maxCustomers < 1) {
			throw new IllegalArgumentException("maxCustomers must be at least 1, not " + maxCustomers);
		}
		if (reconnectMax.compareTo(reconnectMin) < 0) {
			throw new IllegalArgumentException(
					"reconnectMax (" + reconnectMax + ") must not be less than reconnectMin (" + reconnectMin + ")");
		}
	}

	/** The defaults: 15 s staleness bound, 10,000 customers, 10 min idle, 250 ms–10 s. */
	public static LocalEvaluation defaults() {
		return new LocalEvaluation(Duration.ofSeconds(15), 10_000, Duration.ofMinutes(10), Duration.ofMillis(250),
				Duration.ofSeconds(10));
	}

	/** These settings with another staleness bound. */
	public LocalEvaluation withStalenessBound(Duration bound) {
		return new LocalEvaluation(bound, maxCustomers, idleExpiry, reconnectMin, reconnectMax);
	}

	/** These settings with another cache size. */
	public LocalEvaluation withMaxCustomers(int customers) {
		return new LocalEvaluation(stalenessBound, customers, idleExpiry, reconnectMin, reconnectMax);
	}

	/** These settings with another idle expiry. */
	public LocalEvaluation withIdleExpiry(Duration expiry) {
		return new LocalEvaluation(stalenessBound, maxCustomers, expiry, reconnectMin, reconnectMax);
	}

	/** These settings with another reconnection backoff. */
	public LocalEvaluation withReconnect(Duration min, Duration max) {
		return new LocalEvaluation(stalenessBound, maxCustomers, idleExpiry, min, max);
	}

	private static void positive(Duration value, String name) {
		Objects.requireNonNull(value, name);
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException(name + " must be positive, not " + value);
		}
	}

}

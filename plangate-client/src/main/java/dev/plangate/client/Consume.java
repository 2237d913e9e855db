package dev.plangate.client;

import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A consume, for {@link Plangate#consume(Consume)}: {@code amount} of {@code feature} for
 * the customer, recorded once per {@code idempotencyKey}.
 *
 * @param idempotencyKey the key the ledger records the consume under (at most 200
 * characters): the same key again, from any process, gets the first answer and is not
 * counted twice. Absent: a new key per call (still the same on each retry of the call).
 * Pass your own (a request id) to make a consume survive your own process restarting.
 * @param properties at most 50, kept with the usage event
 */
public record Consume(String customerId, String feature, long amount, @Nullable String idempotencyKey,
		Map<String, Object> properties) {

	public Consume {
		Objects.requireNonNull(customerId, "customerId");
		Objects.requireNonNull(feature, "feature");
		if (amount < 1) {
			throw new IllegalArgumentException("amount must be at least 1, not " + amount);
		}
		properties = Map.copyOf(properties);
	}

	/** One unit of {@code feature} for the customer. */
	public static Consume of(String customerId, String feature) {
		return new Consume(customerId, feature, 1, null, Map.of());
	}

	public Consume withAmount(long amount) {
		return new Consume(customerId, feature, amount, idempotencyKey, properties);
	}

	public Consume withIdempotencyKey(String idempotencyKey) {
		return new Consume(customerId, feature, amount, Objects.requireNonNull(idempotencyKey), properties);
	}

	public Consume withProperties(Map<String, Object> properties) {
		return new Consume(customerId, feature, amount, idempotencyKey, properties);
	}

}

package dev.plangate.client;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Usage that already happened, for {@link Plangate#track(UsageEvent)}: recorded without a
 * limit applied.
 *
 * @param id the event's id (at most 200 characters), which makes it idempotent per
 * customer: sent twice, it counts once
 * @param amount not 0; negative only for a lifetime quota (a count that goes down)
 * @param timestamp when it happened: within the quota's current period, at most 5 minutes
 * ahead
 * @param properties at most 50, kept with the event
 */
public record UsageEvent(String id, String customerId, String feature, long amount, Instant timestamp,
		Map<String, Object> properties) {

	public UsageEvent {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(customerId, "customerId");
		Objects.requireNonNull(feature, "feature");
		Objects.requireNonNull(timestamp, "timestamp");
		if (amount == 0) {
			throw new IllegalArgumentException("amount must not be 0");
		}
		if (id.isEmpty() || id.length() > 200) {
			throw new IllegalArgumentException("id must be 1 to 200 characters: " + id);
		}
		properties = Map.copyOf(properties);
	}

	/** {@code amount} of {@code feature}, now, under a new random id. */
	public static UsageEvent of(String customerId, String feature, long amount) {
		return new UsageEvent(UUID.randomUUID().toString(), customerId, feature, amount, Instant.now(), Map.of());
	}

	public UsageEvent withId(String id) {
		return new UsageEvent(id, customerId, feature, amount, timestamp, properties);
	}

	public UsageEvent withTimestamp(Instant timestamp) {
		return new UsageEvent(id, customerId, feature, amount, timestamp, properties);
	}

	public UsageEvent withProperties(Map<String, Object> properties) {
		return new UsageEvent(id, customerId, feature, amount, timestamp, properties);
	}

}

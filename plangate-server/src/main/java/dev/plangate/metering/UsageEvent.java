package dev.plangate.metering;

import java.time.Instant;
import java.util.Map;

/**
 * One usage event, validated and ready for the ledger.
 *
 * @param eventId the caller's idempotency key, unique per customer
 * @param periodStart the start of the feature's period holding {@code occurredAt}
 */
public record UsageEvent(String customerId, String eventId, String feature, long amount, Instant occurredAt,
		Instant periodStart, Map<String, Object> properties) {

	public UsageEvent {
		properties = Map.copyOf(properties);
	}
}

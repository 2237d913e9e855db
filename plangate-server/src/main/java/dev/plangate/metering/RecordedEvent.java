package dev.plangate.metering;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * One usage event of the ledger, as the event listing and export show it.
 *
 * @param id the caller's idempotency key (the event id), unique per customer
 * @param occurredAt when the usage occurred
 * @param recordedAt when the ledger accepted it
 * @param source {@code consume} for a consume, {@code usage-events} for an event sent to
 * {@code /v1/usage-events}
 * @param overage for a consume: the part of it admitted beyond the allowance and the
 * grants; absent otherwise
 * @param properties the event's properties; absent when it had none
 */
public record RecordedEvent(String id, String feature, long amount, Instant occurredAt, Instant recordedAt,
		String source, @Nullable Long overage, @Nullable Map<String, Object> properties) {
}

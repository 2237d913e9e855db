package dev.plangate.metering;

import java.time.Instant;

/**
 * The ledger's answer for one event: recorded now, or a repeat of an id recorded before,
 * answered with what was recorded first.
 */
public record Recorded(String id, String customerId, String feature, long amount, Instant occurredAt,
		Instant recordedAt, boolean duplicate) {
}

package dev.plangate.webhook;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An event of the log, as stored and as answered.
 *
 * @param id unique; webhook deliveries carry it as {@code webhook-id}
 * @param seq the log's order
 * @param data the event's object
 */
public record StoredEvent(UUID id, long seq, String type, @Nullable String customerId, Instant occurredAt,
		Object data) {
}

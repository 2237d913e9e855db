package dev.plangate.webhook;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.swagger.v3.oas.annotations.media.Schema;
import org.jspecify.annotations.Nullable;

/**
 * An event of the log, in the shape that the API answers and that webhook deliveries
 * carry as their body: {@code {"id", "type", "timestamp", "customerId", "data"}}.
 *
 * @param id unique; webhook deliveries carry it as {@code webhook-id}
 * @param timestamp when the change happened
 * @param customerId the customer it concerns; null for events of the whole platform
 * @param data the event's object, as the JSON text the log keeps: written into answers
 * and delivery bodies as it is, never parsed and written again
 * @param seq the log's order, not shown
 */
@JsonPropertyOrder({ "id", "type", "timestamp", "customerId", "data" })
public record StoredEvent(UUID id, String type, Instant timestamp, @Nullable String customerId,
		@JsonRawValue @Schema(type = "object", description = "The event's object") String data, @JsonIgnore long seq) {
}

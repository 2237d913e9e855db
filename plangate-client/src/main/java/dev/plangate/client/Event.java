package dev.plangate.client;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * An event of Plangate's event log, in the envelope webhook deliveries carry too.
 *
 * @param id unique: an id seen twice is the same event
 * @param type a type of the event catalog, such as {@code subscription.changed}
 * @param timestamp when the change happened
 * @param customerId the customer it concerns; absent for an event of the whole platform
 * @param data the changed object, as the API shows it
 */
public record Event(UUID id, String type, Instant timestamp, @Nullable String customerId, JsonNode data) {
}

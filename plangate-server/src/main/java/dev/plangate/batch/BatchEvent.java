package dev.plangate.batch;

import java.time.Instant;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * Something that happened to a batch, in order: {@code seq} grows with every event of
 * every batch, so a reader resumes after the last one it saw.
 */
public record BatchEvent(long seq, UUID batchId, String customerId, String type, JsonNode data, Instant at) {
}

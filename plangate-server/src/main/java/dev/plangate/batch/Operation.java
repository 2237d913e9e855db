package dev.plangate.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * One operation of a batch, or a compensation undoing one when the batch rolls back.
 *
 * @param seq its place in the batch from 0; compensations follow the operations
 * @param compensates for a compensation, the seq of the operation it undoes
 * @param compensation what undoes this operation: {@code {type, payload}}
 * @param attempts dispatches so far
 * @param error {@code {message, code}} of the last failure
 * @param timeout how long one attempt may run
 */
public record Operation(UUID id, UUID batchId, String customerId, int seq, boolean isCompensation,
		@Nullable Integer compensates, String region, String type, @Nullable JsonNode payload,
		@Nullable String idempotencyKey, @Nullable JsonNode compensation, OperationStatus status, int attempts,
		@Nullable Instant availableAt, @Nullable String workerId, @Nullable Instant leaseExpiresAt,
		@Nullable Instant deadlineAt, @Nullable Integer progress, @Nullable String message, @Nullable JsonNode result,
		@Nullable JsonNode error, @Nullable Instant startedAt, @Nullable Instant finishedAt, Duration timeout) {
}

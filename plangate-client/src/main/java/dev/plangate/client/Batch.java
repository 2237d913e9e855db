package dev.plangate.client;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * A customer's batch of operations, run by the product's workers under its plan's limits.
 *
 * @param status {@code queued}, {@code processing}, {@code failing}, {@code cancelling},
 * {@code rolling_back}, or how it ended: {@code completed},
 * {@code completed_with_errors}, {@code failed}, {@code cancelled}, {@code rolled_back},
 * {@code rollback_failed}
 * @param position while queued, its place in the admission queue (1: next)
 * @param progress the share of operations that have ended, in percent
 * @param operations its operations, when read one batch at a time
 * ({@link Plangate#batch})
 */
public record Batch(UUID id, String customerId, String region, String status, int priority, boolean parallel,
		boolean continueOnError, int maxAttempts, long operationTimeoutSeconds, long batchTimeoutSeconds,
		@Nullable Integer position, int operationCount, Counts counts, double progress, Map<String, Object> metadata,
		@Nullable String error, Instant submittedAt, @Nullable Instant startedAt, @Nullable Instant deadlineAt,
		@Nullable Instant finishedAt, @Nullable List<Operation> operations) {

	static final Set<String> FINAL = Set.of("completed", "completed_with_errors", "failed", "cancelled", "rolled_back",
			"rollback_failed");

	/** Whether the batch has ended: nothing of it runs any more. */
	public boolean isFinished() {
		return FINAL.contains(status);
	}

	/** How many operations are in each state. */
	public record Counts(int pending, int ready, int running, int succeeded, int failed, int cancelled) {
	}

	/**
	 * One operation of a batch.
	 *
	 * @param kind {@code operation} or {@code compensation}
	 * @param status {@code pending}, {@code ready}, {@code running}, {@code succeeded},
	 * {@code failed} or {@code cancelled}
	 */
	public record Operation(UUID id, int seq, String kind, @Nullable Integer compensates, String type,
			@Nullable String idempotencyKey, String status, int attempts, @Nullable Integer progress,
			@Nullable String message, @Nullable JsonNode result, @Nullable JsonNode error, @Nullable Instant startedAt,
			@Nullable Instant finishedAt) {
	}

}

package dev.plangate.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A customer's batch, with the limits it was submitted under.
 *
 * @param priority the plan's queue priority when submitted: higher is served first
 * @param maxConcurrent the customer's cap on batches processing at once; none when absent
 * @param parallel operations may run at once; otherwise one after another, in order
 * @param continueOnError an operation failing for good does not fail the batch
 */
public record Batch(UUID id, String customerId, String region, BatchStatus status, int priority,
		@Nullable Long maxConcurrent, boolean parallel, boolean continueOnError, int maxAttempts,
		Duration operationTimeout, Duration batchTimeout, int operationCount, Map<String, Object> metadata,
		@Nullable String error, Instant submittedAt, @Nullable Instant startedAt, @Nullable Instant deadlineAt,
		@Nullable Instant finishedAt) {

	public Batch {
		// JSON metadata may hold nulls, which Map.copyOf refuses
		metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
	}

	Batch with(BatchStatus newStatus) {
		return new Batch(id, customerId, region, newStatus, priority, maxConcurrent, parallel, continueOnError,
				maxAttempts, operationTimeout, batchTimeout, operationCount, metadata, error, submittedAt, startedAt,
				deadlineAt, finishedAt);
	}

}

package dev.plangate.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * A batch to submit, for {@link Plangate#submitBatch}: a customer's operations, run by
 * the product's workers in the batch's region. Absent settings take the plan's and the
 * server's defaults.
 *
 * @param region where it runs; the customer's region when absent
 * @param operations 1 to 10,000
 * @param continueOnError run the rest when an operation fails
 * @param failFast refuse the batch (429 {@code concurrency_limit_reached}) rather than
 * queue it when the customer's batches are all processing
 */
public record NewBatch(String customerId, @Nullable String region, List<NewOperation> operations,
		boolean continueOnError, boolean failFast, @Nullable Integer maxAttempts, @Nullable Duration operationTimeout,
		@Nullable Duration batchTimeout, Map<String, Object> metadata) {

	public NewBatch {
		Objects.requireNonNull(customerId, "customerId");
		operations = List.copyOf(operations);
		metadata = Map.copyOf(metadata);
	}

	/** A batch of the customer's, with no operation yet. */
	public static NewBatch forCustomer(String customerId) {
		return new NewBatch(customerId, null, List.of(), false, false, null, null, null, Map.of());
	}

	/** This batch with one more operation of {@code type}. */
	public NewBatch withOperation(String type, @Nullable JsonNode payload) {
		return withOperation(new NewOperation(type, payload, null, null));
	}

	/** This batch with one more operation. */
	public NewBatch withOperation(NewOperation operation) {
		var more = new ArrayList<>(operations);
		more.add(operation);
		return new NewBatch(customerId, region, more, continueOnError, failFast, maxAttempts, operationTimeout,
				batchTimeout, metadata);
	}

	public NewBatch inRegion(String region) {
		return new NewBatch(customerId, region, operations, continueOnError, failFast, maxAttempts, operationTimeout,
				batchTimeout, metadata);
	}

	public NewBatch continuingOnError() {
		return new NewBatch(customerId, region, operations, true, failFast, maxAttempts, operationTimeout, batchTimeout,
				metadata);
	}

	public NewBatch failingFast() {
		return new NewBatch(customerId, region, operations, continueOnError, true, maxAttempts, operationTimeout,
				batchTimeout, metadata);
	}

	public NewBatch withMaxAttempts(int maxAttempts) {
		return new NewBatch(customerId, region, operations, continueOnError, failFast, maxAttempts, operationTimeout,
				batchTimeout, metadata);
	}

	public NewBatch withTimeouts(@Nullable Duration operationTimeout, @Nullable Duration batchTimeout) {
		return new NewBatch(customerId, region, operations, continueOnError, failFast, maxAttempts, operationTimeout,
				batchTimeout, metadata);
	}

	public NewBatch withMetadata(Map<String, Object> metadata) {
		return new NewBatch(customerId, region, operations, continueOnError, failFast, maxAttempts, operationTimeout,
				batchTimeout, metadata);
	}

	/**
	 * One operation.
	 *
	 * @param type what the worker runs, such as {@code spawn_agent}
	 * @param idempotencyKey unique within the customer's batches, handed to the worker
	 * @param compensation what undoes it, run in reverse order when the batch is rolled
	 * back
	 */
	public record NewOperation(String type, @Nullable JsonNode payload, @Nullable String idempotencyKey,
			@Nullable JsonNode compensation) {

		public NewOperation {
			Objects.requireNonNull(type, "type");
		}

	}

}

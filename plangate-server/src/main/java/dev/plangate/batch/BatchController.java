package dev.plangate.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.Actor;
import dev.plangate.platform.CustomerId;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Page;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import tools.jackson.databind.JsonNode;

@RestController
@Tag(name = "Batches")
class BatchController {

	private final BatchService batches;

	private final BatchMetrics metrics;

	private final BatchQueue queue;

	BatchController(BatchService batches, BatchMetrics metrics, BatchQueue queue) {
		this.batches = batches;
		this.metrics = metrics;
		this.queue = queue;
	}

	@GetMapping("/v1/admin/stats/batches")
	@Operation(operationId = "getBatchQueueFigures", summary = "The batch queue now, by priority and customer",
			description = "Batches queued and processing, and operations queued (pending or ready), running and "
					+ "failed for good in the last 24 hours: in total, by priority (the plans' queue priority, "
					+ "highest first) and for the 10 customers with the most work; and throughput, the operations "
					+ "that ended in the last 1, 5 and 15 minutes. Read from the database at the call, so every "
					+ "node answers the same; the console's Batches page shows the same figures.")
	BatchQueue.QueueFigures queueFigures() {
		return queue.figures();
	}

	@GetMapping("/v1/admin/batches/stats")
	@Operation(operationId = "getBatchStats", summary = "The batch queue at a glance",
			description = "Batches by state and ready operations by region and priority (whole system, refreshed "
					+ "every few seconds); active workers, attempts by outcome, queue wait and operation time "
					+ "percentiles (this node). The same figures are Prometheus metrics `plangate_batch*`.")
	Map<String, Object> stats() {
		return metrics.snapshot();
	}

	record OperationInput(
			@NotNull @Pattern(regexp = Operations.TYPE,
					message = "must be a type name such as 'spawn_agent'") String type,
			@Nullable JsonNode payload, @Nullable @Size(min = 1, max = 200) String idempotencyKey,
			@Nullable JsonNode compensation) {
	}

	record SubmitRequest(@NotNull @CustomerId String customerId,
			@Nullable @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,63}",
					message = "must be a region name such as 'us-east-1'") String region,
			@NotEmpty @Size(max = 10_000) List<@Valid @NotNull OperationInput> operations,
			@Nullable Boolean continueOnError, @Nullable Boolean failFast, @Nullable @Min(1) Integer maxAttempts,
			@Nullable @Min(1) Integer operationTimeoutSeconds, @Nullable @Min(1) Integer batchTimeoutSeconds,
			@Nullable @Size(max = 50, message = "must have at most 50 keys") Map<String, Object> metadata) {
	}

	record Counts(int pending, int ready, int running, int succeeded, int failed, int cancelled) {
	}

	record OperationView(UUID id, int seq, String kind, @Nullable Integer compensates, String type,
			@Nullable String idempotencyKey, String status, int attempts, @Nullable Integer progress,
			@Nullable String message, @Nullable JsonNode result, @Nullable JsonNode error, @Nullable Instant startedAt,
			@Nullable Instant finishedAt) {

		static OperationView of(dev.plangate.batch.Operation o) {
			return new OperationView(o.id(), o.seq(), o.isCompensation() ? "compensation" : "operation",
					o.compensates(), o.type(), o.idempotencyKey(), o.status().id(), o.attempts(), o.progress(),
					o.message(), o.result(), o.error(), o.startedAt(), o.finishedAt());
		}
	}

	/**
	 * @param progress the share of operations that have ended, in percent
	 * @param position while queued, its place in the admission queue (1: next)
	 */
	record BatchView(UUID id, String customerId, String region, String status, int priority, boolean parallel,
			boolean continueOnError, int maxAttempts, long operationTimeoutSeconds, long batchTimeoutSeconds,
			@Nullable Integer position, int operationCount, Counts counts, double progress,
			Map<String, Object> metadata, @Nullable String error, Instant submittedAt, @Nullable Instant startedAt,
			@Nullable Instant deadlineAt, @Nullable Instant finishedAt, @Nullable List<OperationView> operations) {

		static BatchView of(BatchService.Details details, boolean withOperations) {
			var b = details.batch();
			var c = details.counts();
			long ended = c.get(OperationStatus.SUCCEEDED) + c.get(OperationStatus.FAILED)
					+ c.get(OperationStatus.CANCELLED);
			double progress = b.operationCount() == 0 ? 100 : Math.round(1000.0 * ended / b.operationCount()) / 10.0;
			return new BatchView(b.id(), b.customerId(), b.region(), b.status().id(), b.priority(), b.parallel(),
					b.continueOnError(), b.maxAttempts(), b.operationTimeout().toSeconds(),
					b.batchTimeout().toSeconds(), details.position(), b.operationCount(),
					new Counts(c.get(OperationStatus.PENDING), c.get(OperationStatus.READY),
							c.get(OperationStatus.RUNNING), c.get(OperationStatus.SUCCEEDED),
							c.get(OperationStatus.FAILED), c.get(OperationStatus.CANCELLED)),
					progress, b.metadata(), b.error(), b.submittedAt(), b.startedAt(), b.deadlineAt(), b.finishedAt(),
					withOperations ? details.operations().stream().map(OperationView::of).toList() : null);
		}
	}

	@Refusals({ ErrorCode.FEATURE_NOT_IN_PLAN, ErrorCode.SUBSCRIPTION_INACTIVE, ErrorCode.BATCH_SIZE_EXCEEDED,
			ErrorCode.CONCURRENCY_LIMIT_REACHED })
	@PostMapping("/v1/batches")
	@Operation(operationId = "submitBatch", summary = "Submit a batch of operations for a customer",
			description = "Answers 202 with the batch `queued` (and its `position`) or already `processing`. The "
					+ "customer's plan limits its size (402 `batch_size_exceeded`) and how many of its batches "
					+ "process at once (further ones wait, or with `failFast` are refused: 429 "
					+ "`concurrency_limit_reached`); a system-wide cap limits all. Operations run in the batch's "
					+ "region (default: the customer's) on the product's workers.")
	ResponseEntity<BatchView> submit(@Valid @RequestBody SubmitRequest request) {
		var operations = request.operations()
			.stream()
			.map(o -> new BatchService.NewOperation(o.type(), o.payload(), o.idempotencyKey(), o.compensation()))
			.toList();
		var details = batches.submit(new BatchService.NewBatch(request.customerId(), request.region(), operations,
				Boolean.TRUE.equals(request.continueOnError()), Boolean.TRUE.equals(request.failFast()),
				request.maxAttempts(), seconds(request.operationTimeoutSeconds()),
				seconds(request.batchTimeoutSeconds()), request.metadata() == null ? Map.of() : request.metadata()));
		return ResponseEntity.status(HttpStatus.ACCEPTED).body(BatchView.of(details, false));
	}

	@GetMapping("/v1/batches/{id}")
	@Operation(operationId = "getBatch", summary = "Read one of a customer's batches, with its operations",
			description = "Another customer's batch answers 404 `batch_not_found`.")
	BatchView get(@PathVariable UUID id, @RequestParam @CustomerId String customerId) {
		return BatchView.of(batches.get(customerId, id), true);
	}

	@GetMapping("/v1/batches")
	@Operation(operationId = "listBatches", summary = "List a customer's batches, newest first")
	Page<BatchView> list(@RequestParam @CustomerId String customerId,
			@RequestParam(required = false) @Nullable @Pattern(
					regexp = "queued|processing|failing|cancelling|rolling_back|completed|completed_with_errors|failed|cancelled|rolled_back|rollback_failed",
					message = "must be a batch status") String status,
			@RequestParam(required = false) @Nullable String cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
		var page = batches.list(customerId, status == null ? null : BatchStatus.of(status), cursor, limit);
		return new Page<>(page.data().stream().map(d -> BatchView.of(d, false)).toList(), page.nextCursor());
	}

	@GetMapping("/v1/me/batches/{id}")
	@Operation(operationId = "getMyBatch", summary = "Read one of my batches, with its operations",
			description = "For the end user holding an access token (an account's, or a customer-scoped token): the "
					+ "batches of the token's customer. Another customer's batch answers 404 `batch_not_found`.")
	BatchView myBatch(@PathVariable UUID id) {
		return get(id, Actor.currentCustomer());
	}

	@GetMapping("/v1/me/batches")
	@Operation(operationId = "listMyBatches", summary = "List my batches, newest first")
	Page<BatchView> myBatches(@RequestParam(required = false) @Nullable @Pattern(
			regexp = "queued|processing|failing|cancelling|rolling_back|completed|completed_with_errors|failed|cancelled|rolled_back|rollback_failed",
			message = "must be a batch status") String status, @RequestParam(required = false) @Nullable String cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
		return list(Actor.currentCustomer(), status, cursor, limit);
	}

	@Refusals({ ErrorCode.BATCH_FINISHED, ErrorCode.BATCH_NOT_CANCELLABLE })
	@DeleteMapping("/v1/batches/{id}")
	@Operation(operationId = "cancelBatch", summary = "Cancel a batch",
			description = "Operations not started are dropped; running ones are told to stop at their next "
					+ "heartbeat; the batch ends `cancelled` once none runs. 409 `batch_finished` when it has ended.")
	BatchView cancel(@PathVariable UUID id, @RequestParam @CustomerId String customerId) {
		return BatchView.of(batches.cancel(customerId, id), true);
	}

	private static @Nullable Duration seconds(@Nullable Integer seconds) {
		return seconds == null ? null : Duration.ofSeconds(seconds);
	}

}

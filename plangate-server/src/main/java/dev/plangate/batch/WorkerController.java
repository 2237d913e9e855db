package dev.plangate.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
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
import tools.jackson.databind.util.RawValue;

@RestController
@Tag(name = "Workers")
class WorkerController {

	private static final String WORKER_ID = "[A-Za-z0-9._:@-]{1,200}";

	private final WorkerService workers;

	WorkerController(WorkerService workers) {
		this.workers = workers;
	}

	record PollRequest(@NotNull @Pattern(regexp = WORKER_ID, message = "must be a worker name") String workerId,
			@NotEmpty @Size(max = 50) List<@NotNull @Pattern(regexp = "[a-z0-9][a-z0-9-]{0,63}",
					message = "must be a region name such as 'us-east-1'") String> regions,
			@Nullable @Size(max = 100) List<@NotNull @Pattern(regexp = Operations.TYPE,
					message = "must be an operation type") String> types,
			@Nullable @Min(1) @Max(100) Integer max, @Nullable @Min(0) @Max(30) Integer waitSeconds) {
	}

	/**
	 * An operation for a worker. Its payload goes out as the JSON text stored at
	 * submission (the submitted value as written back), without being read into a tree
	 * and written again for each answer.
	 */
	record Task(UUID id, UUID batchId, String customerId, String region, String kind, @Nullable Integer compensates,
			int seq, String type, @Nullable RawValue payload, @Nullable String idempotencyKey, int attempt,
			Instant leaseExpiresAt, Instant deadlineAt) {
	}

	record PollAnswer(List<Task> operations) {
	}

	@PostMapping("/v1/worker/poll")
	@Operation(operationId = "pollOperations", summary = "Take operations to run",
			description = "Up to `max` (default 1) ready operations of the named regions (and `types`, when given), "
					+ "waiting up to `waitSeconds` (default 0) for some. Each is held under a lease: heartbeat "
					+ "before `leaseExpiresAt`, finish before `deadlineAt`, or it goes to another worker. Delivery is "
					+ "at least once: use `idempotencyKey` to recognise a repeat.")
	PollAnswer poll(@Valid @RequestBody PollRequest request) {
		var taken = workers.poll(request.workerId(), request.regions(),
				request.types() == null ? List.of() : request.types(), request.max() == null ? 1 : request.max(),
				Duration.ofSeconds(request.waitSeconds() == null ? 0 : request.waitSeconds()));
		return new PollAnswer(taken.stream()
			.map(o -> new Task(o.id(), o.batchId(), o.customerId(), o.region(),
					o.isCompensation() ? "compensation" : "operation", o.compensates(), o.seq(), o.type(),
					o.payload() == null ? null : new RawValue(o.payload()), o.idempotencyKey(), o.attempt(),
					o.leaseExpiresAt(), o.deadlineAt()))
			.toList());
	}

	record OperationHeartbeat(@NotNull @Pattern(regexp = WORKER_ID, message = "must be a worker name") String workerId,
			@Nullable @Min(0) @Max(100) Integer progress, @Nullable @Size(max = 500) String message) {
	}

	@Refusals({ ErrorCode.OPERATION_LEASE_LOST })
	@PostMapping("/v1/worker/operations/{id}/heartbeat")
	@Operation(operationId = "heartbeatOperation", summary = "Extend a lease, report progress, learn of cancellation",
			description = "`cancel: true` when the batch was cancelled or failed: stop and report. 409 "
					+ "`operation_lease_lost` once the lease has run out.")
	WorkerService.Beat heartbeat(@PathVariable UUID id, @Valid @RequestBody OperationHeartbeat request) {
		return workers.heartbeat(id, request.workerId(), request.progress(), request.message());
	}

	record CompleteRequest(@NotNull @Pattern(regexp = WORKER_ID, message = "must be a worker name") String workerId,
			@Nullable JsonNode result) {
	}

	@Refusals({ ErrorCode.OPERATION_LEASE_LOST })
	@PostMapping("/v1/worker/operations/{id}/complete")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "completeOperation", summary = "Report an operation done, with its result")
	void complete(@PathVariable UUID id, @Valid @RequestBody CompleteRequest request) {
		workers.complete(id, request.workerId(), request.result());
	}

	record Completed(@NotNull UUID id, @Nullable JsonNode result) {
	}

	record CompleteAllRequest(@NotNull @Pattern(regexp = WORKER_ID, message = "must be a worker name") String workerId,
			@NotEmpty @Size(max = 100) List<@NotNull @Valid Completed> operations) {
	}

	/**
	 * One completion's outcome: {@code completed}, or {@code refused} with the error
	 * code, HTTP status and detail its own call would have answered.
	 */
	record CompletedOutcome(UUID id, String outcome, @Nullable String code, @Nullable Integer status,
			@Nullable String detail) {
	}

	record CompleteAllAnswer(int completed, int refused, List<CompletedOutcome> operations) {
	}

	@Refusals({ ErrorCode.OPERATION_LEASE_LOST })
	@PostMapping("/v1/worker/operations/complete")
	@Operation(operationId = "completeOperations", summary = "Report many operations done, each with its result",
			description = "Up to 100 operations, each answered on its own, in the order sent: `completed`, or "
					+ "`refused` with the `code` its own `…/{id}/complete` would have answered (404 "
					+ "`operation_not_found`, 409 `operation_lease_lost`); a refused one changes nothing and does not "
					+ "hold up the others. Answers 200 whenever the request itself is valid. A worker reporting what "
					+ "it ran since its last report saves a round trip, and the server several statements, an "
					+ "operation.")
	CompleteAllAnswer completeAll(@Valid @RequestBody CompleteAllRequest request) {
		var seen = new HashSet<UUID>();
		var errors = new ArrayList<FieldError>();
		for (int i = 0; i < request.operations().size(); i++) {
			if (!seen.add(request.operations().get(i).id())) {
				errors.add(new FieldError("operations[" + i + "].id", "appears more than once"));
			}
		}
		if (!errors.isEmpty()) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST, "An operation is reported twice", errors);
		}
		var outcomes = workers.completeAll(request.workerId(),
				request.operations().stream().map(o -> new WorkerService.Completion(o.id(), o.result())).toList());
		var answers = outcomes.stream().map(o -> {
			var refusal = o.refusal();
			return refusal == null ? new CompletedOutcome(o.operationId(), "completed", null, null, null)
					: new CompletedOutcome(o.operationId(), "refused", refusal.code().code(),
							refusal.code().status().value(), refusal.getMessage());
		}).toList();
		int refused = (int) outcomes.stream().filter(o -> o.refusal() != null).count();
		return new CompleteAllAnswer(outcomes.size() - refused, refused, answers);
	}

	record Failure(@NotNull @Size(min = 1, max = 2000) String message,
			@Nullable @Pattern(regexp = "[A-Za-z0-9_.-]{1,64}", message = "must be a short code") String code) {
	}

	record FailRequest(@NotNull @Pattern(regexp = WORKER_ID, message = "must be a worker name") String workerId,
			@NotNull @Valid Failure error, @Nullable Boolean retryable) {
	}

	@Refusals({ ErrorCode.OPERATION_LEASE_LOST })
	@PostMapping("/v1/worker/operations/{id}/fail")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "failOperation", summary = "Report an attempt failed",
			description = "Retried after a backoff while `retryable` (the default) and attempts are left; otherwise "
					+ "the operation fails for good, which fails the batch unless it continues on error.")
	void fail(@PathVariable UUID id, @Valid @RequestBody FailRequest request) {
		workers.fail(id, request.workerId(), request.error().message(), request.error().code(),
				request.retryable() == null || request.retryable());
	}

}

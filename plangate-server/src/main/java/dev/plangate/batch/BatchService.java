package dev.plangate.batch;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.audit.AuditLog;
import dev.plangate.customer.CustomerService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.Page;
import dev.plangate.platform.PlangateException;
import tools.jackson.databind.JsonNode;

/**
 * Submitting, reading and cancelling batches. A batch is stored with all its operations
 * in one transaction, then admitted when the caps allow; see {@link BatchScheduler}.
 */
@Service
public class BatchService {

	private static final Logger log = LoggerFactory.getLogger(BatchService.class);

	/**
	 * How old an event must be before pages show it. Event numbers are given out as
	 * transactions write, but they commit in their own order; a page that showed the
	 * newest events could show number 11 before number 10 commits, and a reader resuming
	 * after 11 would miss 10. Live streams wait for such gaps instead.
	 */
	static final Duration SETTLED = Duration.ofSeconds(2);

	private final BatchRepository repository;

	private final AdmissionRepository admission;

	private final OperationRepository operationRepository;

	private final BatchEventRepository eventLog;

	private final BatchPolicy policy;

	private final BatchLifecycle lifecycle;

	private final BatchScheduler scheduler;

	private final BatchEventStream stream;

	private final BatchSettings settings;

	private final CustomerService customers;

	private final TransactionTemplate transactions;

	private final AuditLog audit;

	private final Clock clock;

	BatchService(BatchRepository repository, AdmissionRepository admission, OperationRepository operationRepository,
			BatchEventRepository eventLog, BatchPolicy policy, BatchLifecycle lifecycle, BatchScheduler scheduler,
			BatchEventStream stream, BatchSettings settings, CustomerService customers,
			TransactionTemplate transactions, AuditLog audit, Clock clock) {
		this.repository = repository;
		this.admission = admission;
		this.operationRepository = operationRepository;
		this.eventLog = eventLog;
		this.policy = policy;
		this.lifecycle = lifecycle;
		this.scheduler = scheduler;
		this.stream = stream;
		this.settings = settings;
		this.customers = customers;
		this.transactions = transactions;
		this.audit = audit;
		this.clock = clock;
	}

	/**
	 * @param compensation {@code {type, payload}}: what undoes this operation if the
	 * batch rolls back
	 */
	public record NewOperation(String type, @Nullable JsonNode payload, @Nullable String idempotencyKey,
			@Nullable JsonNode compensation) {
	}

	/**
	 * @param region where its operations run; the customer's region, else the default,
	 * when absent
	 * @param failFast refuse the batch rather than queue it when the customer has as many
	 * batches as its plan lets process at once
	 */
	public record NewBatch(String customerId, @Nullable String region, List<NewOperation> operations,
			boolean continueOnError, boolean failFast, @Nullable Integer maxAttempts,
			@Nullable Duration operationTimeout, @Nullable Duration batchTimeout, Map<String, Object> metadata) {
	}

	/**
	 * A batch with its operations (none in lists), how many of them are in each state,
	 * and its place in the queue while queued.
	 */
	public record Details(Batch batch, List<Operation> operations, Map<OperationStatus, Integer> counts,
			@Nullable Integer position) {
	}

	public Details submit(NewBatch request) {
		var limits = policy.of(request.customerId());
		int size = request.operations().size();
		if (size > limits.maxOperations()) {
			throw new PlangateException(ErrorCode.BATCH_SIZE_EXCEEDED,
					"The plan of customer '" + request.customerId() + "' allows " + limits.maxOperations()
							+ " operations in a batch; this one has " + size,
					List.of(new FieldError("operations", "must have at most " + limits.maxOperations() + " items")))
				.with("customerId", request.customerId())
				.with("limit", limits.maxOperations())
				.with("size", size)
				.with("upgradePlan", policy.cheapestPlanAllowing(size));
		}
		validate(request);
		var customer = customers.get(request.customerId());
		String region = request.region() != null ? request.region()
				: customer.region() != null ? customer.region() : settings.defaultRegion();
		var now = clock.instant().truncatedTo(ChronoUnit.MICROS);
		var batch = new Batch(UUID.randomUUID(), request.customerId(), region, BatchStatus.QUEUED, limits.priority(),
				limits.maxConcurrent(), limits.parallel(), request.continueOnError(),
				request.maxAttempts() == null ? settings.maxAttempts() : request.maxAttempts(),
				request.operationTimeout() == null ? limits.operationTimeout() : request.operationTimeout(),
				request.batchTimeout() == null ? limits.batchTimeout() : request.batchTimeout(), size,
				request.metadata(), null, now, null, null, null);
		var operations = new ArrayList<Operation>();
		for (int seq = 0; seq < size; seq++) {
			var o = request.operations().get(seq);
			operations.add(new Operation(UUID.randomUUID(), batch.id(), batch.customerId(), seq, false, null, region,
					o.type(), o.payload(), o.idempotencyKey(), o.compensation(), OperationStatus.PENDING, 0, null, null,
					null, null, null, null, null, null, null, null, batch.operationTimeout()));
		}
		transactions.executeWithoutResult(status -> {
			if (request.failFast() && limits.maxConcurrent() != null) {
				admission.lockAdmission();
				int held = admission.processingByCustomer().getOrDefault(batch.customerId(), 0)
						+ admission.queuedOf(batch.customerId());
				if (held >= limits.maxConcurrent()) {
					throw new PlangateException(ErrorCode.CONCURRENCY_LIMIT_REACHED,
							"Customer '" + batch.customerId() + "' has " + held + " batches queued or processing; its "
									+ "plan allows " + limits.maxConcurrent() + " at once")
						.with("customerId", batch.customerId())
						.with("limit", limits.maxConcurrent())
						.with("held", held);
				}
			}
			repository.insert(batch);
			operationRepository.insertOperations(operations);
			lifecycle.event(batch, "batch.queued",
					Map.of("operations", size, "region", region, "priority", batch.priority()));
		});
		try {
			scheduler.admit();
		}
		catch (RuntimeException ex) {
			// the batch is stored: the scheduler admits it on its next turn
			log.warn("Admitting batches after a submission failed; the scheduler retries", ex);
		}
		return summary(batch.id());
	}

	/**
	 * A batch just submitted, without its operations: the counts come from the database
	 * rather than from reading back every operation.
	 */
	private Details summary(UUID id) {
		var batch = repository.find(id).orElseThrow();
		Integer position = batch.status() == BatchStatus.QUEUED ? scheduler.position(batch) : null;
		return new Details(batch, List.of(), operationRepository.countByStatus(id, false), position);
	}

	private void validate(NewBatch request) {
		var errors = new ArrayList<FieldError>();
		bound(errors, "operationTimeoutSeconds", request.operationTimeout(), settings.maxOperationTimeout());
		bound(errors, "batchTimeoutSeconds", request.batchTimeout(), settings.maxBatchTimeout());
		if (request.maxAttempts() != null && request.maxAttempts() > settings.maxMaxAttempts()) {
			errors.add(new FieldError("maxAttempts", "must be at most " + settings.maxMaxAttempts()));
		}
		for (int i = 0; i < request.operations().size(); i++) {
			var compensation = request.operations().get(i).compensation();
			if (compensation != null && !compensation.isNull()
					&& (!compensation.isObject() || !compensation.path("type").isString()
							|| !compensation.path("type").asString().matches(Operations.TYPE))) {
				errors.add(new FieldError("operations[" + i + "].compensation",
						"must be an object with a 'type' like the operation's, and an optional 'payload'"));
			}
		}
		if (!errors.isEmpty()) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST, "The batch has invalid fields", errors);
		}
	}

	private static void bound(List<FieldError> errors, String field, @Nullable Duration value, Duration max) {
		if (value != null && value.compareTo(max) > 0) {
			errors.add(new FieldError(field, "must be at most " + max.toSeconds()));
		}
	}

	/** One of a customer's batches; another customer's answers 404. */
	public Details get(String customerId, UUID id) {
		var batch = find(customerId, id);
		Integer position = batch.status() == BatchStatus.QUEUED ? scheduler.position(batch) : null;
		var operations = operationRepository.operations(id);
		var counts = new EnumMap<OperationStatus, Integer>(OperationStatus.class);
		for (var status : OperationStatus.values()) {
			counts.put(status, 0);
		}
		operations.stream().filter(o -> !o.isCompensation()).forEach(o -> counts.merge(o.status(), 1, Integer::sum));
		return new Details(batch, operations, counts, position);
	}

	private Batch find(String customerId, UUID id) {
		customers.get(customerId);
		return repository.find(id)
			.filter(b -> b.customerId().equals(customerId))
			.orElseThrow(() -> new PlangateException(ErrorCode.BATCH_NOT_FOUND,
					"Customer '" + customerId + "' has no batch " + id)
				.with("id", id.toString()));
	}

	/** A customer's batches, newest first. */
	public Page<Details> list(String customerId, @Nullable BatchStatus status, @Nullable String cursor, int limit) {
		customers.get(customerId);
		Instant before = null;
		UUID beforeId = null;
		if (cursor != null) {
			try {
				var parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split(" ");
				before = Instant.parse(parts[0]);
				beforeId = UUID.fromString(parts[1]);
			}
			catch (RuntimeException ex) {
				throw new PlangateException(ErrorCode.INVALID_REQUEST, "cursor is not one this API gave out",
						List.of(new FieldError("cursor", "is not a cursor from a previous page")));
			}
		}
		var batches = repository.list(customerId, status, before, beforeId, limit + 1);
		String next = null;
		if (batches.size() > limit) {
			batches = batches.subList(0, limit);
			var last = batches.get(limit - 1);
			next = Base64.getUrlEncoder()
				.withoutPadding()
				.encodeToString((last.submittedAt() + " " + last.id()).getBytes(StandardCharsets.UTF_8));
		}
		var counts = operationRepository.countsOf(batches.stream().map(Batch::id).toList());
		return new Page<>(batches.stream()
			.map(b -> new Details(b, List.of(), counts.get(b.id()),
					b.status() == BatchStatus.QUEUED ? scheduler.position(b) : null))
			.toList(), next);
	}

	/**
	 * Cancels a batch: operations not started are dropped, running ones are told to stop
	 * at their next heartbeat, and the batch ends {@code cancelled} once none runs. The
	 * audit log names who cancelled it (a server key, or an operator in the console).
	 */
	public Details cancel(String customerId, UUID id) {
		find(customerId, id);
		transactions.executeWithoutResult(status -> {
			var batch = repository.lock(id).orElseThrow();
			if (batch.status().isFinal() || batch.status() == BatchStatus.CANCELLING) {
				throw new PlangateException(ErrorCode.BATCH_FINISHED,
						"Batch " + id + " is " + batch.status().id() + "; there is nothing to cancel")
					.with("id", id.toString())
					.with("status", batch.status().id());
			}
			if (batch.status() == BatchStatus.FAILING || batch.status() == BatchStatus.ROLLING_BACK) {
				// its compensations must run, or what it did would stay done
				throw new PlangateException(ErrorCode.BATCH_NOT_CANCELLABLE,
						"Batch " + id + " has failed and is undoing what it did; it cannot be cancelled")
					.with("id", id.toString())
					.with("status", batch.status().id());
			}
			lifecycle.cancel(batch);
			var after = repository.find(id).orElseThrow();
			audit.record("batch.cancelled", "batch", id.toString(),
					Map.of("customerId", customerId, "status", batch.status().id()),
					Map.of("customerId", customerId, "status", after.status().id()));
		});
		return get(customerId, id);
	}

	/**
	 * Events after {@code afterSeq}: of one batch, or of all the customer's when absent.
	 */
	public List<BatchEvent> events(String customerId, @Nullable UUID batchId, long afterSeq, int limit) {
		checkOwner(customerId, batchId);
		return eventLog.settledEvents(customerId, batchId, afterSeq, clock.instant().minus(SETTLED), limit);
	}

	/**
	 * Sends a sink the events after {@code afterSeq} (of one batch, or of all the
	 * customer's when absent), then every new one until the sink is gone.
	 */
	void follow(String customerId, @Nullable UUID batchId, long afterSeq, BatchEventStream.Sink sink) {
		checkOwner(customerId, batchId);
		stream.subscribe(customerId, batchId, afterSeq, sink);
	}

	private void checkOwner(String customerId, @Nullable UUID batchId) {
		if (batchId != null) {
			find(customerId, batchId);
		}
		else {
			customers.get(customerId);
		}
	}

}

package dev.plangate.batch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The workers' side: operations are taken under a lease (at-least-once: a worker that
 * stops heartbeating loses it and the operation is dispatched again), extended by
 * heartbeats that also tell of cancellation, and ended by complete or fail. A failure is
 * retried with exponential backoff and jitter until the batch's attempts are spent.
 */
@Service
public class WorkerService {

	private static final Logger log = LoggerFactory.getLogger(WorkerService.class);

	private static final JsonStringEncoder JSON_TEXT = JsonStringEncoder.getInstance();

	/**
	 * How often a waiting poll looks at the queue again without being woken: every node
	 * wakes every other through the event bus when it makes work ready, so this only
	 * bounds the wait after a lost wake-up.
	 */
	private static final Duration RECHECK = Duration.ofSeconds(1);

	private final BatchRepository repository;

	private final OperationRepository operationRepository;

	private final DispatchRepository dispatch;

	private final BatchEventRepository eventLog;

	private final BatchLifecycle lifecycle;

	private final BatchSettings settings;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final ReadySignal ready;

	private final BatchMetrics metrics;

	WorkerService(BatchRepository repository, OperationRepository operationRepository, DispatchRepository dispatch,
			BatchEventRepository eventLog, BatchLifecycle lifecycle, BatchSettings settings,
			TransactionTemplate transactions, Clock clock, ReadySignal ready, BatchMetrics metrics) {
		this.repository = repository;
		this.operationRepository = operationRepository;
		this.dispatch = dispatch;
		this.eventLog = eventLog;
		this.lifecycle = lifecycle;
		this.settings = settings;
		this.transactions = transactions;
		this.clock = clock;
		this.ready = ready;
		this.metrics = metrics;
	}

	/**
	 * An operation handed to a worker: what the worker is told of it, its payload as the
	 * stored JSON text, and the attempt and lease it now runs under.
	 */
	public record Dispatched(UUID id, UUID batchId, String customerId, String region, boolean isCompensation,
			@Nullable Integer compensates, int seq, String type, @Nullable String payload,
			@Nullable String idempotencyKey, int attempt, Instant leaseExpiresAt, Instant deadlineAt) {
	}

	/**
	 * Takes up to {@code max} ready operations of the given regions (and types, when
	 * named), waiting up to {@code wait} for some.
	 */
	public List<Dispatched> poll(String workerId, List<String> regions, List<String> types, int max, Duration wait) {
		metrics.workerSeen(workerId);
		long until = System.nanoTime() + wait.toNanos();
		while (true) {
			long seen = ready.operationsVersion();
			var taken = transactions.execute(status -> {
				var now = clock.instant();
				return dispatch.take(regions, types, workerId, now, now.plus(settings.leaseTtl()), max);
			});
			long left = until - System.nanoTime();
			if ((taken != null && !taken.isEmpty()) || left <= 0) {
				return taken == null ? List.of() : taken;
			}
			try {
				ready.awaitOperations(seen,
						RECHECK.compareTo(Duration.ofNanos(left)) < 0 ? RECHECK : Duration.ofNanos(left));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return List.of();
			}
		}
	}

	/**
	 * A heartbeat's answer: the lease's new end, and whether the worker should stop (the
	 * batch is being cancelled or has failed).
	 */
	public record Beat(Instant leaseExpiresAt, boolean cancel) {
	}

	public Beat heartbeat(UUID operationId, String workerId, @Nullable Integer progress, @Nullable String message) {
		metrics.workerSeen(workerId);
		return Objects.requireNonNull(transactions.execute(status -> {
			var held = held(operationId, workerId);
			var now = clock.instant();
			var leaseExpires = earlier(now.plus(settings.leaseTtl()),
					Objects.requireNonNull(held.operation().deadlineAt()));
			if (!held.operation().leaseExpiresAt().isAfter(now)) {
				throw leaseLost(operationId);
			}
			dispatch.heartbeat(operationId, leaseExpires, progress, message);
			if (progress != null && !progress.equals(held.operation().progress())) {
				var data = new LinkedHashMap<String, Object>();
				data.put("progress", progress);
				if (message != null) {
					data.put("message", message);
				}
				lifecycle.event(held.batch(), "operation.progress", operationData(held.operation(), data));
			}
			return new Beat(leaseExpires, held.batch().status().stopsOperations());
		}));
	}

	/**
	 * Ends an operation well.
	 * @throws PlangateException {@code operation_not_found}, or
	 * {@code operation_lease_lost} when this worker no longer holds it
	 */
	public void complete(UUID operationId, String workerId, @Nullable JsonNode result) {
		var refusal = completeAll(workerId, List.of(new Completion(operationId, result))).get(0).refusal();
		if (refusal != null) {
			throw refusal;
		}
	}

	/** An operation done, with its result. */
	public record Completion(UUID operationId, @Nullable JsonNode result) {
	}

	/** What became of one completion: accepted, or refused with the reason. */
	public record Outcome(UUID operationId, @Nullable PlangateException refusal) {
	}

	/**
	 * Ends many operations well, each answered on its own: one that is unknown, or that
	 * this worker no longer holds, is refused without holding up the others.
	 *
	 * <p>
	 * The operations are locked and ended in one transaction, in id order, without
	 * locking their batches: an operation's worker is the only one to end it, so the
	 * batch's lock, which every completion of the batch would queue on, is not needed for
	 * that. The batch is settled afterwards, under its lock, only when it may have
	 * something to do: a parallel batch still processing with operations left has
	 * nothing. That check runs after the commit, so of two completions finishing a batch
	 * at once, the one checking last sees both and ends it; a batch left unsettled by a
	 * node that stopped in between is settled by the scheduler's sweep. On PostgreSQL the
	 * completion itself is one statement
	 * ({@link DispatchRepository#completeInOneStatement}).
	 */
	public List<Outcome> completeAll(String workerId, List<Completion> completions) {
		metrics.workerSeen(workerId);
		var refusals = new HashMap<UUID, PlangateException>();
		var batches = new TreeSet<UUID>();
		var ended = transactions.execute(status -> dispatch.completesInOneStatement()
				? endInOneStatement(workerId, completions, refusals) : end(workerId, completions, refusals));
		if (ended != null) {
			batches.addAll(ended);
		}
		var progress = batches.isEmpty() ? Map.<UUID, BatchRepository.Progress>of() : repository.progress(batches);
		for (var batchId : batches) {
			try {
				settleIfDue(batchId, progress.get(batchId));
			}
			catch (RuntimeException ex) {
				// the completions are committed; the sweep settles the batch on its next
				// turn
				log.warn("Settling batch {} after a completion failed; the scheduler will", batchId, ex);
			}
		}
		return completions.stream().map(c -> new Outcome(c.operationId(), refusals.get(c.operationId()))).toList();
	}

	/**
	 * PostgreSQL: ends the operations this worker holds, with their events, in one
	 * statement; answers their batches.
	 */
	private Set<UUID> endInOneStatement(String workerId, List<Completion> completions,
			Map<UUID, PlangateException> refusals) {
		var results = new LinkedHashMap<UUID, @Nullable String>();
		completions.forEach(c -> results.put(c.operationId(), BatchRows.json(c.result())));
		var now = clock.instant();
		var batches = new HashSet<UUID>();
		for (var o : dispatch.completeInOneStatement(workerId, results, now)) {
			if (o.ended()) {
				metrics.attemptEnded("succeeded", o.startedAt(), now);
				batches.add(o.batchId());
			}
			else {
				refusals.put(o.id(), leaseLost(o.id()));
			}
			results.remove(o.id());
		}
		results.keySet()
			.forEach(id -> refusals.put(id,
					PlangateException.notFound(ErrorCode.OPERATION_NOT_FOUND, "Operation", id.toString())));
		return batches;
	}

	/** Locks and ends the operations this worker holds; answers their batches. */
	private Set<UUID> end(String workerId, List<Completion> completions, Map<UUID, PlangateException> refusals) {
		var results = new HashMap<UUID, @Nullable JsonNode>();
		completions.forEach(c -> results.put(c.operationId(), c.result()));
		var succeeded = new LinkedHashMap<UUID, @Nullable String>();
		var done = new ArrayList<OperationRepository.Running>();
		for (var o : operationRepository.lockRunning(results.keySet())) {
			if (o.status() != OperationStatus.RUNNING || !workerId.equals(o.workerId())) {
				refusals.put(o.id(), leaseLost(o.id()));
			}
			else {
				succeeded.put(o.id(), BatchRows.json(results.get(o.id())));
				done.add(o);
			}
		}
		for (var id : results.keySet()) {
			if (!succeeded.containsKey(id) && !refusals.containsKey(id)) {
				refusals.put(id, PlangateException.notFound(ErrorCode.OPERATION_NOT_FOUND, "Operation", id.toString()));
			}
		}
		if (done.isEmpty()) {
			return Set.of();
		}
		var now = clock.instant();
		dispatch.succeedAll(succeeded, now);
		done.forEach(o -> metrics.attemptEnded("succeeded", o.startedAt(), now));
		eventLog.insertEvents(done.stream()
			.map(o -> new BatchEventRepository.NewEvent(o.batchId(), o.customerId(), "operation.completed",
					operationEvent(o.id(), o.seq(), o.type(), o.compensates(), o.attempts(), null)))
			.toList(), now);
		var batches = new HashSet<UUID>();
		done.forEach(o -> batches.add(o.batchId()));
		return batches;
	}

	/**
	 * Settles a batch under its lock unless it is plainly not due: processing in parallel
	 * with operations left.
	 */
	void settleIfDue(UUID batchId) {
		settleIfDue(batchId, repository.progress(List.of(batchId)).get(batchId));
	}

	private void settleIfDue(UUID batchId, BatchRepository.@Nullable Progress progress) {
		if (progress == null || progress.status().isFinal()
				|| (progress.status() == BatchStatus.PROCESSING && progress.parallel() && progress.unfinished())) {
			return;
		}
		transactions.executeWithoutResult(status -> repository.lock(batchId).ifPresent(lifecycle::settle));
	}

	/**
	 * Ends an attempt that failed: retried later when {@code retryable} and attempts are
	 * left, otherwise failed for good.
	 */
	public void fail(UUID operationId, String workerId, String message, @Nullable String code, boolean retryable) {
		transactions.executeWithoutResult(status -> {
			var held = held(operationId, workerId);
			attemptFailed(held, message, code, retryable);
		});
	}

	/** The sweep's part: an operation whose lease ran out. */
	void leaseExpired(UUID operationId) {
		transactions.executeWithoutResult(status -> {
			var operation = operationRepository.operation(operationId).orElse(null);
			if (operation == null) {
				return;
			}
			var batch = repository.lock(operation.batchId()).orElseThrow();
			var locked = operationRepository.lockOperation(operationId).orElseThrow();
			var now = clock.instant();
			if (locked.status() != OperationStatus.RUNNING || locked.leaseExpiresAt() == null
					|| locked.leaseExpiresAt().isAfter(now)) {
				return;
			}
			boolean timedOut = locked.deadlineAt() != null && !locked.deadlineAt().isAfter(now);
			attemptFailed(new Held(batch, locked),
					timedOut ? "the operation ran out of time" : "the worker stopped sending heartbeats",
					timedOut ? "timeout" : "lease_expired", true);
		});
	}

	private void attemptFailed(Held held, String message, @Nullable String code, boolean retryable) {
		var o = held.operation();
		var batch = held.batch();
		var now = clock.instant();
		var error = JsonNodeFactory.instance.objectNode().put("message", message);
		if (code != null) {
			error.put("code", code);
		}
		boolean batchGoesOn = batch.status() == BatchStatus.PROCESSING || batch.status() == BatchStatus.ROLLING_BACK;
		boolean retry = retryable && batchGoesOn && o.attempts() < batch.maxAttempts();
		var data = new LinkedHashMap<String, Object>();
		data.put("attempt", o.attempts());
		data.put("error", message);
		data.put("retrying", retry);
		metrics.attemptEnded(!retry ? "failed" : "lease_expired".equals(code) ? "lease_expired" : "retried", o, now);
		if (retry) {
			var next = now.plus(backoff(o.attempts()));
			dispatch.finish(o.id(), OperationStatus.READY, null, error, next, null);
			data.put("nextAttemptAt", next.toString());
			lifecycle.event(batch, "operation.failed", operationData(o, data));
			ready.signal();
		}
		else {
			dispatch.finish(o.id(), OperationStatus.FAILED, null, error, null, now);
			lifecycle.event(batch, "operation.failed", operationData(o, data));
			lifecycle.settle(batch);
		}
	}

	/**
	 * Exponential backoff with jitter: the n-th retry waits between half and all of
	 * {@code retryBase * 2^(n-1)}, at most {@code retryMax}.
	 */
	Duration backoff(int attempt) {
		long ceiling = Math.min(settings.retryMax().toMillis(),
				settings.retryBase().toMillis() << Math.min(30, Math.max(0, attempt - 1)));
		return Duration.ofMillis(ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1));
	}

	private record Held(Batch batch, Operation operation) {
	}

	/**
	 * The running operation this worker holds, its batch locked first (the order every
	 * writer follows).
	 */
	private Held held(UUID operationId, String workerId) {
		var operation = operationRepository.operation(operationId)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.OPERATION_NOT_FOUND, "Operation",
					operationId.toString()));
		var batch = repository.lock(operation.batchId()).orElseThrow();
		var locked = operationRepository.lockOperation(operationId).orElseThrow();
		if (locked.status() != OperationStatus.RUNNING || !workerId.equals(locked.workerId())) {
			throw leaseLost(operationId);
		}
		return new Held(batch, locked);
	}

	private static PlangateException leaseLost(UUID operationId) {
		return new PlangateException(ErrorCode.OPERATION_LEASE_LOST,
				"This worker no longer holds operation " + operationId
						+ ": it ended, or its lease ran out and it went to another worker")
			.with("operationId", operationId.toString());
	}

	static Map<String, Object> operationData(Operation o, Map<String, Object> more) {
		var data = new LinkedHashMap<String, Object>();
		data.put("operationId", o.id().toString());
		data.put("seq", o.seq());
		data.put("type", o.type());
		if (o.isCompensation()) {
			data.put("compensates", o.compensates());
		}
		data.putAll(more);
		return data;
	}

	/**
	 * The data of an operation's started or completed event as stored JSON text: what
	 * {@code StoredJson.write(operationData(…))} writes (keys in order), without a JSON
	 * generator for each of the many events a poll or a completion writes.
	 */
	static String operationEvent(UUID id, int seq, String type, @Nullable Integer compensates, int attempt,
			@Nullable String workerId) {
		var json = new StringBuilder(160).append("{\"attempt\":").append(attempt);
		if (compensates != null) {
			json.append(",\"compensates\":").append(compensates.intValue());
		}
		json.append(",\"operationId\":\"").append(id).append("\",\"seq\":").append(seq).append(",\"type\":\"");
		JSON_TEXT.quoteAsString(type, json);
		json.append('"');
		return json.append(workerId == null ? "}" : operationEventWorker(workerId)).toString();
	}

	/**
	 * The end of a started event's data, from its worker on: {@code ,"workerId":"…"}}.
	 */
	static String operationEventWorker(String workerId) {
		var json = new StringBuilder(workerId.length() + 16).append(",\"workerId\":\"");
		JSON_TEXT.quoteAsString(workerId, json);
		return json.append("\"}").toString();
	}

	private static Instant earlier(Instant a, Instant b) {
		return a.isBefore(b) ? a : b;
	}

}

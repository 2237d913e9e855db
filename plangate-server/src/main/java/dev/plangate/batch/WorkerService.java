package dev.plangate.batch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
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

	/**
	 * How often a waiting poll looks at the queue again for work another node made ready.
	 */
	private static final Duration RECHECK = Duration.ofMillis(250);

	private final BatchRepository repository;

	private final BatchLifecycle lifecycle;

	private final BatchSettings settings;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final ReadySignal ready;

	private final BatchMetrics metrics;

	WorkerService(BatchRepository repository, BatchLifecycle lifecycle, BatchSettings settings,
			TransactionTemplate transactions, Clock clock, ReadySignal ready, BatchMetrics metrics) {
		this.repository = repository;
		this.lifecycle = lifecycle;
		this.settings = settings;
		this.transactions = transactions;
		this.clock = clock;
		this.ready = ready;
		this.metrics = metrics;
	}

	/** An operation handed to a worker, with the lease it holds it under. */
	public record Dispatched(Operation operation, int attempt, Instant leaseExpiresAt, Instant deadlineAt) {
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
			var taken = transactions.execute(status -> take(workerId, regions, types, max));
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

	private List<Dispatched> take(String workerId, List<String> regions, List<String> types, int max) {
		var now = clock.instant();
		var taken = new ArrayList<Dispatched>();
		for (var o : repository.lockReady(regions, types, now, max)) {
			var deadline = now.plus(o.timeout());
			var lease = earlier(now.plus(settings.leaseTtl()), deadline);
			repository.dispatch(o, workerId, now, lease, deadline);
			taken.add(new Dispatched(o, o.attempts() + 1, lease, deadline));
			repository.insertEvent(o.batchId(), o.customerId(), "operation.started",
					operationData(o, Map.of("attempt", o.attempts() + 1, "workerId", workerId)), now);
		}
		return taken;
	}

	/**
	 * A heartbeat's answer: the lease's new end, and whether the worker should stop (the
	 * batch is being cancelled or has failed).
	 */
	public record Beat(Instant leaseExpiresAt, boolean cancel) {
	}

	public Beat heartbeat(UUID operationId, String workerId, @Nullable Integer progress, @Nullable String message) {
		metrics.workerSeen(workerId);
		return java.util.Objects.requireNonNull(transactions.execute(status -> {
			var held = held(operationId, workerId);
			var now = clock.instant();
			var leaseExpires = earlier(now.plus(settings.leaseTtl()),
					java.util.Objects.requireNonNull(held.operation().deadlineAt()));
			if (!held.operation().leaseExpiresAt().isAfter(now)) {
				throw leaseLost(operationId);
			}
			repository.heartbeat(operationId, leaseExpires, progress, message);
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

	/** Ends an operation well. */
	public void complete(UUID operationId, String workerId, @Nullable JsonNode result) {
		transactions.executeWithoutResult(status -> {
			var held = held(operationId, workerId);
			var now = clock.instant();
			repository.finish(operationId, OperationStatus.SUCCEEDED, result, null, null, now);
			metrics.workerSeen(workerId);
			metrics.attemptEnded("succeeded", held.operation(), now);
			lifecycle.event(held.batch(), "operation.completed",
					operationData(held.operation(), Map.of("attempt", held.operation().attempts())));
			lifecycle.settle(held.batch());
		});
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
			var operation = repository.operation(operationId).orElse(null);
			if (operation == null) {
				return;
			}
			var batch = repository.lock(operation.batchId()).orElseThrow();
			var locked = repository.lockOperation(operationId).orElseThrow();
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
			repository.finish(o.id(), OperationStatus.READY, null, error, next, null);
			data.put("nextAttemptAt", next.toString());
			lifecycle.event(batch, "operation.failed", operationData(o, data));
			ready.signal();
		}
		else {
			repository.finish(o.id(), OperationStatus.FAILED, null, error, null, now);
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
		var operation = repository.operation(operationId)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.OPERATION_NOT_FOUND, "Operation",
					operationId.toString()));
		var batch = repository.lock(operation.batchId()).orElseThrow();
		var locked = repository.lockOperation(operationId).orElseThrow();
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

	private static Instant earlier(Instant a, Instant b) {
		return a.isBefore(b) ? a : b;
	}

}

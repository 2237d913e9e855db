package dev.plangate.batch;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import dev.plangate.platform.OutboundEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * What follows from a batch's operations changing: the next operation of a sequential
 * batch, the batch's end, or its rollback. Every method runs in the caller's transaction,
 * with the batch's row locked, and records an event for each change.
 */
@Component
class BatchLifecycle {

	private final BatchRepository repository;

	private final OperationRepository operationRepository;

	private final FairQueueRepository fairQueue;

	private final BatchEventRepository eventLog;

	private final Clock clock;

	private final ReadySignal ready;

	private final ApplicationEventPublisher events;

	private final BatchMetrics metrics;

	BatchLifecycle(BatchRepository repository, OperationRepository operationRepository, FairQueueRepository fairQueue,
			BatchEventRepository eventLog, Clock clock, ReadySignal ready, ApplicationEventPublisher events,
			BatchMetrics metrics) {
		this.events = events;
		this.metrics = metrics;
		this.repository = repository;
		this.operationRepository = operationRepository;
		this.fairQueue = fairQueue;
		this.eventLog = eventLog;
		this.clock = clock;
		this.ready = ready;
	}

	/**
	 * Brings a locked batch up to date with its operations, from counts by state, so that
	 * the cost does not grow with the batch.
	 */
	void settle(Batch batch) {
		switch (batch.status()) {
			case PROCESSING -> {
				var counts = operationRepository.countByStatus(batch.id(), false);
				var failed = counts.get(OperationStatus.FAILED) > 0 && !batch.continueOnError()
						? operationRepository.firstFailed(batch.id(), false).orElse(null) : null;
				if (failed != null) {
					fail(batch, "operation " + failed.seq() + " (" + failed.type() + ") failed: "
							+ message(failed.error()));
				}
				else if (unfinished(counts) == 0) {
					end(batch, counts.get(OperationStatus.FAILED) == 0 ? BatchStatus.COMPLETED
							: BatchStatus.COMPLETED_WITH_ERRORS, null);
				}
				else if (!batch.parallel() && counts.get(OperationStatus.RUNNING) == 0
						&& counts.get(OperationStatus.READY) == 0) {
					release(batch, false);
				}
			}
			case FAILING -> {
				if (running(batch) == 0) {
					rollBack(batch, operationRepository.operations(batch.id()));
				}
			}
			case CANCELLING -> {
				if (running(batch) == 0) {
					end(batch, BatchStatus.CANCELLED, null);
				}
			}
			case ROLLING_BACK -> {
				var counts = operationRepository.countByStatus(batch.id(), true);
				var failed = counts.get(OperationStatus.FAILED) > 0
						? operationRepository.firstFailed(batch.id(), true).orElse(null) : null;
				if (failed != null) {
					operationRepository.cancelWaiting(batch.id(), clock.instant());
					end(batch, BatchStatus.ROLLBACK_FAILED, "compensation of operation " + failed.compensates()
							+ " failed: " + message(failed.error()));
				}
				else if (unfinished(counts) == 0) {
					end(batch, BatchStatus.ROLLED_BACK, null);
				}
				else if (counts.get(OperationStatus.RUNNING) == 0 && counts.get(OperationStatus.READY) == 0) {
					release(batch, true);
				}
			}
			default -> {
			}
		}
	}

	private int running(Batch batch) {
		return operationRepository.countByStatus(batch.id(), false).get(OperationStatus.RUNNING)
				+ operationRepository.countByStatus(batch.id(), true).get(OperationStatus.RUNNING);
	}

	private static int unfinished(Map<OperationStatus, Integer> counts) {
		return counts.get(OperationStatus.PENDING) + counts.get(OperationStatus.READY)
				+ counts.get(OperationStatus.RUNNING);
	}

	/**
	 * Fails a processing batch: what has not started is dropped, running operations are
	 * told to stop at their next heartbeat, and once none runs the batch rolls back.
	 */
	void fail(Batch batch, String reason) {
		operationRepository.cancelWaiting(batch.id(), clock.instant());
		repository.setStatus(batch.id(), BatchStatus.FAILING, reason, null);
		event(batch, "batch.failing", Map.of("error", reason));
		settle(batch.with(BatchStatus.FAILING));
	}

	/** Cancels a batch that has not finished. */
	void cancel(Batch batch) {
		int dropped = operationRepository.cancelWaiting(batch.id(), clock.instant());
		repository.setStatus(batch.id(), BatchStatus.CANCELLING, null, null);
		event(batch, "batch.cancelling", Map.of("dropped", dropped));
		settle(batch.with(BatchStatus.CANCELLING));
	}

	/**
	 * Runs the compensations of the operations that succeeded, last first, one at a time;
	 * a batch with none to run has failed.
	 */
	private void rollBack(Batch batch, List<Operation> operations) {
		var done = new ArrayList<>(operations.stream()
			.filter(o -> !o.isCompensation() && o.status() == OperationStatus.SUCCEEDED && o.compensation() != null)
			.toList());
		if (done.isEmpty()) {
			end(batch, BatchStatus.FAILED, null);
			return;
		}
		// the last completed is undone first
		done.sort(Comparator.comparing((Operation o) -> o.finishedAt() == null ? Instant.MIN : o.finishedAt())
			.thenComparingInt(Operation::seq)
			.reversed());
		var compensations = new ArrayList<Operation>();
		int seq = batch.operationCount();
		for (var o : done) {
			var compensation = Objects.requireNonNull(o.compensation());
			compensations.add(new Operation(UUID.randomUUID(), batch.id(), batch.customerId(), seq++, true, o.seq(),
					batch.region(), compensation.path("type").asString(), compensation.get("payload"),
					o.idempotencyKey() == null ? null : o.idempotencyKey() + ":compensation", null,
					OperationStatus.PENDING, 0, null, null, null, null, null, null, null, null, null, null,
					batch.operationTimeout()));
		}
		operationRepository.insertOperations(compensations);
		// compensations go to the head of the queue: they undo what is done
		long rank = fairQueue.lowestReadyRank(batch.region()).orElse(fairQueue.clock(batch.region()));
		fairQueue.rankAndRelease(batch.id(), true, batch.operationCount(), rank, 0, false);
		repository.setStatus(batch.id(), BatchStatus.ROLLING_BACK, null, null);
		// the rollback has a batch timeout of its own, so it cannot hold a slot for ever
		repository.setDeadline(batch.id(), clock.instant().plus(batch.batchTimeout()));
		event(batch, "batch.rolling_back", Map.of("compensations", compensations.size()));
		// the first compensation, the last operation's, is ready
		ready.signal();
	}

	/**
	 * A rollback that ran out of time: what did not run is dropped, and the compensation
	 * running fails, as the attempt of an operation whose own time ran out does. The
	 * batch has ended, so nothing it does counts any more: its worker's next heartbeat or
	 * completion is refused as a lease lost.
	 */
	void rollbackTimedOut(Batch batch) {
		var now = clock.instant();
		operationRepository.cancelWaiting(batch.id(), now);
		var error = JsonNodeFactory.instance.objectNode()
			.put("message", "the compensations ran out of time")
			.put("code", "timeout");
		for (var o : operationRepository.failRunning(batch.id(), error, now)) {
			metrics.attemptEnded("failed", o, now);
			var data = new LinkedHashMap<String, Object>();
			data.put("attempt", o.attempts());
			data.put("error", "the compensations ran out of time");
			data.put("retrying", false);
			event(batch, "operation.failed", WorkerService.operationData(o, data));
		}
		end(batch, BatchStatus.ROLLBACK_FAILED,
				"the compensations ran out of time (" + batch.batchTimeout().toSeconds() + " s)");
	}

	private void release(Batch batch, boolean compensations) {
		if (operationRepository.releaseNext(batch.id(), compensations) > 0) {
			ready.signal();
		}
	}

	private void end(Batch batch, BatchStatus status, @Nullable String error) {
		repository.setStatus(batch.id(), status, error, clock.instant());
		var data = new LinkedHashMap<String, Object>();
		data.put("status", status.id());
		if (error != null) {
			data.put("error", error);
		}
		event(batch, "batch." + status.id(), data);
		announce(batch.id(), status);
		ready.batchEnded();
	}

	/**
	 * Tells the outside world that a batch ended, in the transaction that ends it: one of
	 * {@code batch.completed} (with or without errors), {@code batch.failed} (rolled back
	 * or not) and {@code batch.cancelled}, carrying the batch as the API shows it.
	 */
	private void announce(UUID id, BatchStatus status) {
		String type = switch (status) {
			case COMPLETED, COMPLETED_WITH_ERRORS -> "batch.completed";
			case CANCELLED -> "batch.cancelled";
			default -> "batch.failed";
		};
		var ended = repository.find(id).orElseThrow();
		var details = new BatchService.Details(ended, List.of(), operationRepository.countByStatus(id, false), null);
		events.publishEvent(new OutboundEvent(type, ended.customerId(), BatchController.BatchView.of(details, false)));
	}

	void event(Batch batch, String type, Map<String, Object> data) {
		eventLog.insertEvent(batch.id(), batch.customerId(), type, data, clock.instant());
	}

	private static String message(@Nullable JsonNode error) {
		return error == null ? "no reason given" : error.path("message").asString("no reason given");
	}

}

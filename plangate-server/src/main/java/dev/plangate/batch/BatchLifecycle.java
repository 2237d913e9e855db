package dev.plangate.batch;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;

/**
 * What follows from a batch's operations changing: the next operation of a sequential
 * batch, the batch's end, or its rollback. Every method runs in the caller's transaction,
 * with the batch's row locked, and records an event for each change.
 */
@Component
class BatchLifecycle {

	private final BatchRepository repository;

	private final Clock clock;

	private final ReadySignal ready;

	BatchLifecycle(BatchRepository repository, Clock clock, ReadySignal ready) {
		this.repository = repository;
		this.clock = clock;
		this.ready = ready;
	}

	/** Brings a locked batch up to date with its operations. */
	void settle(Batch batch) {
		var operations = repository.operations(batch.id());
		var main = operations.stream().filter(o -> !o.isCompensation()).toList();
		var compensations = operations.stream().filter(Operation::isCompensation).toList();
		boolean running = operations.stream().anyMatch(o -> o.status() == OperationStatus.RUNNING);
		switch (batch.status()) {
			case PROCESSING -> {
				var failed = main.stream().filter(o -> o.status() == OperationStatus.FAILED).toList();
				if (!failed.isEmpty() && !batch.continueOnError()) {
					fail(batch, "operation " + failed.get(0).seq() + " (" + failed.get(0).type() + ") failed: "
							+ message(failed.get(0).error()));
				}
				else if (main.stream().allMatch(o -> o.status().isFinal())) {
					end(batch, failed.isEmpty() ? BatchStatus.COMPLETED : BatchStatus.COMPLETED_WITH_ERRORS, null);
				}
				else if (!batch.parallel() && !running
						&& main.stream().noneMatch(o -> o.status() == OperationStatus.READY)) {
					release(batch, false);
				}
			}
			case FAILING -> {
				if (!running) {
					rollBack(batch, main);
				}
			}
			case CANCELLING -> {
				if (!running) {
					end(batch, BatchStatus.CANCELLED, null);
				}
			}
			case ROLLING_BACK -> {
				var failed = compensations.stream().filter(o -> o.status() == OperationStatus.FAILED).toList();
				if (!failed.isEmpty()) {
					repository.cancelWaiting(batch.id(), clock.instant());
					end(batch, BatchStatus.ROLLBACK_FAILED, "compensation of operation " + failed.get(0).compensates()
							+ " failed: " + message(failed.get(0).error()));
				}
				else if (compensations.stream().allMatch(o -> o.status().isFinal())) {
					end(batch, BatchStatus.ROLLED_BACK, null);
				}
				else if (!running && compensations.stream().noneMatch(o -> o.status() == OperationStatus.READY)) {
					release(batch, true);
				}
			}
			default -> {
			}
		}
	}

	/**
	 * Fails a processing batch: what has not started is dropped, running operations are
	 * told to stop at their next heartbeat, and once none runs the batch rolls back.
	 */
	void fail(Batch batch, String reason) {
		repository.cancelWaiting(batch.id(), clock.instant());
		repository.setStatus(batch.id(), BatchStatus.FAILING, reason, null);
		event(batch, "batch.failing", Map.of("error", reason));
		settle(batch.with(BatchStatus.FAILING));
	}

	/** Cancels a batch that has not finished. */
	void cancel(Batch batch) {
		int dropped = repository.cancelWaiting(batch.id(), clock.instant());
		repository.setStatus(batch.id(), BatchStatus.CANCELLING, null, null);
		event(batch, "batch.cancelling", Map.of("dropped", dropped));
		settle(batch.with(BatchStatus.CANCELLING));
	}

	/**
	 * Runs the compensations of the operations that succeeded, last first, one at a time;
	 * a batch with none to run has failed.
	 */
	private void rollBack(Batch batch, List<Operation> main) {
		var done = new ArrayList<>(main.stream()
			.filter(o -> o.status() == OperationStatus.SUCCEEDED && o.compensation() != null)
			.toList());
		if (done.isEmpty()) {
			end(batch, BatchStatus.FAILED, null);
			return;
		}
		java.util.Collections.reverse(done);
		var compensations = new ArrayList<Operation>();
		int seq = batch.operationCount();
		for (var o : done) {
			var compensation = java.util.Objects.requireNonNull(o.compensation());
			compensations.add(new Operation(UUID.randomUUID(), batch.id(), batch.customerId(), seq++, true, o.seq(),
					batch.region(), compensation.path("type").asString(), compensation.get("payload"),
					o.idempotencyKey() == null ? null : o.idempotencyKey() + ":compensation", null,
					OperationStatus.PENDING, 0, null, null, null, null, null, null, null, null, null, null,
					batch.operationTimeout()));
		}
		repository.insertOperations(compensations);
		var ranks = new LinkedHashMap<Integer, Long>();
		long rank = repository.lowestReadyRank(batch.region()).orElse(repository.clock(batch.region()));
		for (var c : compensations) {
			ranks.put(c.seq(), rank);
		}
		repository.rank(batch.id(), ranks);
		repository.setStatus(batch.id(), BatchStatus.ROLLING_BACK, null, null);
		event(batch, "batch.rolling_back", Map.of("compensations", compensations.size()));
		release(batch, true);
	}

	private void release(Batch batch, boolean compensations) {
		if (repository.release(batch.id(), compensations, 1) > 0) {
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
		ready.batchEnded();
	}

	void event(Batch batch, String type, Map<String, Object> data) {
		repository.insertEvent(batch.id(), batch.customerId(), type, data, clock.instant());
	}

	private static String message(@Nullable JsonNode error) {
		return error == null ? "no reason given" : error.path("message").asString("no reason given");
	}

}

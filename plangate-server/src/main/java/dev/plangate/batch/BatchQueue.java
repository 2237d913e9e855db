package dev.plangate.batch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/**
 * The batch queue of the whole system as an operator reads it, every customer's at once:
 * what waits and runs by priority and by customer, how fast operations end, the batches
 * running with their progress, and what failed lately. Read straight from the database,
 * so every node answers the same.
 */
@Service
public class BatchQueue {

	/** How far back failed operations are counted and listed. */
	public static final Duration FAILED_WINDOW = Duration.ofHours(24);

	/** The windows throughput is measured over, in minutes. */
	static final List<Integer> THROUGHPUT_MINUTES = List.of(1, 5, 15);

	private static final int TOP_CUSTOMERS = 10;

	private final QueueRepository repository;

	private final OperationRepository operations;

	private final BatchRepository batches;

	private final Clock clock;

	BatchQueue(QueueRepository repository, OperationRepository operations, BatchRepository batches, Clock clock) {
		this.repository = repository;
		this.operations = operations;
		this.batches = batches;
		this.clock = clock;
	}

	/**
	 * One priority level (the plans' queue priority): batches waiting and processing,
	 * operations queued (pending or ready), running, and failed for good in the last 24
	 * hours.
	 */
	public record QueueLevel(int priority, long queuedBatches, long processingBatches, long queuedOperations,
			long runningOperations, long failedOperations) {
	}

	/** One customer's operations queued, running, and failed in the last 24 hours. */
	public record QueueCustomer(String customerId, long queuedOperations, long runningOperations,
			long failedOperations) {
	}

	/**
	 * Operations that ended in the last {@code minutes}: succeeded, failed for good, and
	 * ended per minute.
	 */
	public record QueueThroughput(int minutes, long succeeded, long failed, double perMinute) {
	}

	/**
	 * The queue now: totals, by priority (highest first), the customers with the most
	 * work, and throughput over the last 1, 5 and 15 minutes.
	 *
	 * @param failedWindowHours how far back {@code failedOperations} counts
	 */
	public record QueueFigures(Instant at, long queuedBatches, long processingBatches, long queuedOperations,
			long runningOperations, long failedOperations, int failedWindowHours, List<QueueLevel> byPriority,
			List<QueueCustomer> topCustomers, List<QueueThroughput> throughput) {
	}

	public QueueFigures figures() {
		var now = clock.instant();
		var since = now.minus(FAILED_WINDOW);
		var levels = new ArrayList<QueueLevel>();
		long queuedBatches = 0;
		long processingBatches = 0;
		long queued = 0;
		long running = 0;
		long failed = 0;
		for (var entry : repository.byPriority(since).entrySet()) {
			var l = entry.getValue();
			levels.add(new QueueLevel(entry.getKey(), l.queuedBatches, l.processingBatches, l.queuedOperations,
					l.runningOperations, l.failedOperations));
			queuedBatches += l.queuedBatches;
			processingBatches += l.processingBatches;
			queued += l.queuedOperations;
			running += l.runningOperations;
			failed += l.failedOperations;
		}
		var customers = repository.topCustomers(since, TOP_CUSTOMERS)
			.stream()
			.map(c -> new QueueCustomer(c.customerId(), c.queued(), c.running(), c.failed()))
			.toList();
		var ended = repository.ended(THROUGHPUT_MINUTES.stream().map(m -> now.minus(Duration.ofMinutes(m))).toList());
		var throughput = new ArrayList<QueueThroughput>();
		for (int i = 0; i < THROUGHPUT_MINUTES.size(); i++) {
			int minutes = THROUGHPUT_MINUTES.get(i);
			var e = ended.get(i);
			throughput.add(new QueueThroughput(minutes, e.succeeded(), e.failed(),
					Math.round(10.0 * (e.succeeded() + e.failed()) / minutes) / 10.0));
		}
		return new QueueFigures(now, queuedBatches, processingBatches, queued, running, failed,
				(int) FAILED_WINDOW.toHours(), levels, customers, throughput);
	}

	/**
	 * A batch with how far it got: operations succeeded, failed, cancelled, running and
	 * waiting, the share ended, and operations ended per minute since it started.
	 */
	public record Progress(Batch batch, int succeeded, int failed, int cancelled, int running, int waiting,
			double percent, @Nullable Double perMinute) {

		public int ended() {
			return succeeded + failed + cancelled;
		}

	}

	/** An operation that failed for good, with its last error. */
	public record FailedOperation(UUID id, UUID batchId, String customerId, int seq, boolean compensation, String type,
			int attempts, @Nullable String message, @Nullable String code, @Nullable Instant finishedAt) {

		static FailedOperation of(Operation o) {
			return new FailedOperation(o.id(), o.batchId(), o.customerId(), o.seq(), o.isCompensation(), o.type(),
					o.attempts(), QueueRepository.text(o.error(), "message"), QueueRepository.text(o.error(), "code"),
					o.finishedAt());
		}

	}

	/**
	 * Batches of every customer, newest first, with their progress: of one customer when
	 * named; of the states named, or {@code active} for those not ended; all when none.
	 */
	public List<Progress> batches(@Nullable String customerId, @Nullable String status, int limit) {
		List<String> statuses;
		if (status == null) {
			statuses = List.of();
		}
		else if ("active".equals(status)) {
			statuses = BatchStatus.NOT_ENDED;
		}
		else {
			statuses = List.of(statusOf(status).id());
		}
		return progress(repository.batches(customerId, statuses, limit));
	}

	/**
	 * The batches being processed (or failing, cancelling, rolling back), oldest first.
	 */
	public List<Progress> running(@Nullable String customerId, int limit) {
		var running = new ArrayList<>(repository.batches(customerId, BatchStatus.HOLDING_A_SLOT, limit));
		running.sort((a, b) -> a.submittedAt().compareTo(b.submittedAt()));
		return progress(running);
	}

	/** Batches that ended failed, rolled back or with errors, the latest first. */
	public List<Progress> recentlyFailed(@Nullable String customerId, int limit) {
		return progress(repository.recentlyFailed(customerId, limit));
	}

	/** Operations that failed for good in the last 24 hours, the latest first. */
	public List<FailedOperation> recentlyFailedOperations(@Nullable String customerId, int limit) {
		return repository.recentlyFailedOperations(customerId, clock.instant().minus(FAILED_WINDOW), limit)
			.stream()
			.map(FailedOperation::of)
			.toList();
	}

	/** One batch of any customer with its progress; 404 {@code batch_not_found}. */
	public Progress progress(UUID id) {
		var batch = batches.find(id)
			.orElseThrow(() -> new PlangateException(ErrorCode.BATCH_NOT_FOUND, "There is no batch " + id).with("id",
					id.toString()));
		return progress(List.of(batch)).get(0);
	}

	/** A batch's operations (its compensations included) that failed for good. */
	public List<FailedOperation> failedOperations(UUID id) {
		return operations.operations(id)
			.stream()
			.filter(o -> o.status() == OperationStatus.FAILED)
			.map(FailedOperation::of)
			.toList();
	}

	/** Whether {@code status} names a batch state (or {@code active}). */
	public static boolean isStatus(String status) {
		if ("active".equals(status)) {
			return true;
		}
		try {
			statusOf(status);
			return true;
		}
		catch (IllegalArgumentException ex) {
			return false;
		}
	}

	/** The batch states, in their order. */
	public static List<String> statuses() {
		return List.of(BatchStatus.values()).stream().map(BatchStatus::id).toList();
	}

	private static BatchStatus statusOf(String id) {
		if (!id.matches("[a-z_]{1,40}")) {
			throw new IllegalArgumentException("not a batch status: " + id);
		}
		return BatchStatus.of(id);
	}

	private List<Progress> progress(List<Batch> list) {
		var counts = operations.countsOf(list.stream().map(Batch::id).toList());
		var now = clock.instant();
		return list.stream().map(b -> {
			var c = counts.get(b.id());
			int succeeded = c.get(OperationStatus.SUCCEEDED);
			int failed = c.get(OperationStatus.FAILED);
			int cancelled = c.get(OperationStatus.CANCELLED);
			int running = c.get(OperationStatus.RUNNING);
			int waiting = c.get(OperationStatus.PENDING) + c.get(OperationStatus.READY);
			int ended = succeeded + failed + cancelled;
			double percent = b.operationCount() == 0 ? 100 : Math.round(1000.0 * ended / b.operationCount()) / 10.0;
			Double perMinute = null;
			if (b.startedAt() != null) {
				var until = b.finishedAt() != null ? b.finishedAt() : now;
				long millis = Duration.between(b.startedAt(), until).toMillis();
				if (millis > 0) {
					perMinute = Math.round(10.0 * (succeeded + failed) * 60_000 / millis) / 10.0;
				}
			}
			return new Progress(b, succeeded, failed, cancelled, running, waiting, percent, perMinute);
		}).toList();
	}

}

package dev.plangate.batch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Admits queued batches to processing, and sweeps: operations whose lease ran out are
 * retried or failed, batches past their deadline fail. Every node runs it; admission
 * takes one database lock, so caps hold across nodes.
 *
 * <p>
 * <b>Admission order.</b> The system's slots are shared fairly: each customer holding a
 * slot or waiting with a batch that may start has a fair share of them (the cap divided
 * among those customers, at least one). A customer may hold more only while nobody below
 * its share waits: a free slot goes first to a customer below its share, and when every
 * slot is taken, a customer below its share takes one back from a customer above it,
 * whose latest admitted batch that has not begun any operation returns to the queue. A
 * batch whose operations have begun keeps its slot; the waiting customer then gets the
 * next one that frees. Within that, a slot goes to the batch of the highest effective
 * priority level: the plan's priority, plus one for every {@code agingPerLevel} the batch
 * has waited, so a waiting low-tier batch is never starved; among equal levels to the
 * customer with the fewest batches processing, then to the batch submitted first.
 *
 * <p>
 * <b>Dispatch order.</b> Weighted fair queueing per region: an admitted batch's
 * operations get virtual-time tags spaced {@code 1/(1 + priority)} apart, starting from
 * the later of the queue's virtual time and the customer's last tag; workers take the
 * lowest tag first. A customer with 1,000 operations queued cannot hold back another's
 * single one, and a level-10 customer is served eleven operations for each of a competing
 * level-0 customer's one.
 */
@Component
class BatchScheduler implements SmartLifecycle {

	/** A level-0 operation's step in virtual time. */
	static final long TAG_STEP = 1_000_000;

	/** How often the counts shared by every node are read for the metrics. */
	private static final Duration METRICS_REFRESH = Duration.ofSeconds(5);

	private static final Logger log = LoggerFactory.getLogger(BatchScheduler.class);

	private final BatchRepository repository;

	private final AdmissionRepository admission;

	private final FairQueueRepository fairQueue;

	private final SweepRepository sweeps;

	private final BatchLifecycle lifecycle;

	private final WorkerService workers;

	private final BatchSettings settings;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final ReadySignal ready;

	private final BatchMetrics metrics;

	private volatile boolean running;

	private Thread thread;

	BatchScheduler(BatchRepository repository, AdmissionRepository admission, FairQueueRepository fairQueue,
			SweepRepository sweeps, BatchLifecycle lifecycle, WorkerService workers, BatchSettings settings,
			TransactionTemplate transactions, Clock clock, ReadySignal ready, BatchMetrics metrics) {
		this.repository = repository;
		this.admission = admission;
		this.fairQueue = fairQueue;
		this.sweeps = sweeps;
		this.lifecycle = lifecycle;
		this.workers = workers;
		this.settings = settings;
		this.transactions = transactions;
		this.clock = clock;
		this.ready = ready;
		this.metrics = metrics;
	}

	/** Admits as many queued batches as the caps allow; answers how many. */
	int admit() {
		Integer admitted = transactions.execute(status -> {
			admission.lockAdmission();
			var processing = new HashMap<>(admission.processingByCustomer());
			int total = processing.values().stream().mapToInt(Integer::intValue).sum();
			var candidates = new ArrayList<>(admission.queued(settings.systemConcurrency(), 1000));
			var now = clock.instant();
			int count = 0;
			while (true) {
				var startable = candidates.stream().filter(b -> mayStart(b, processing)).toList();
				if (startable.isEmpty()) {
					break;
				}
				int share = fairShare(processing, startable);
				var next = startable.stream().min(admissionOrder(processing, share, now)).orElseThrow();
				if (total >= settings.systemConcurrency()) {
					// every slot is taken: one below its fair share takes one back
					if (processing.getOrDefault(next.customerId(), 0) >= share || !takeBackSlot(processing, share)) {
						break;
					}
					total--;
				}
				candidates.remove(next);
				if (start(next)) {
					processing.merge(next.customerId(), 1, Integer::sum);
					total++;
					count++;
				}
			}
			return count;
		});
		return admitted == null ? 0 : admitted;
	}

	/**
	 * A customer's fair share of the system's slots: an equal part of the cap for each
	 * customer holding a slot or waiting with a batch that may start, at least one.
	 */
	private int fairShare(Map<String, Integer> processing, List<Batch> startable) {
		var customers = new HashSet<String>();
		processing.forEach((customer, n) -> {
			if (n > 0) {
				customers.add(customer);
			}
		});
		startable.forEach(b -> customers.add(b.customerId()));
		return Math.max(1, settings.systemConcurrency() / Math.max(1, customers.size()));
	}

	/**
	 * Takes a slot back from a customer holding more than its fair share: the latest
	 * admitted of its batches none of whose operations has begun goes back to the queue
	 * (it keeps its place: its submission time). The customer furthest over its share
	 * gives first. False when no such batch can give its slot back now.
	 */
	private boolean takeBackSlot(Map<String, Integer> processing, int share) {
		var over = processing.entrySet().stream().filter(e -> e.getValue() > share).map(Map.Entry::getKey).toList();
		var givers = new ArrayList<>(admission.notBegun(over, 50));
		// stable: the latest admitted first within a customer
		givers.sort(Comparator.comparingInt((Batch b) -> -processing.getOrDefault(b.customerId(), 0)));
		for (var batch : givers) {
			var firstRank = admission.requeueNotBegun(batch.id(), batch.operationCount());
			if (firstRank.isEmpty()) {
				continue;
			}
			// the customer's virtual time goes back to before this batch when it was the
			// last one tagged, so that the work it did not get is not counted against it
			long step = TAG_STEP / (1 + batch.priority());
			long lastRank = firstRank.get() + step * (batch.operationCount() - 1);
			if (fairQueue.lastTag(batch.region(), batch.customerId()) == lastRank) {
				fairQueue.setLastTag(batch.region(), batch.customerId(), firstRank.get() - step);
			}
			lifecycle.event(batch, "batch.queued", Map.of("operations", batch.operationCount(), "region",
					batch.region(), "priority", batch.priority(), "reason", "fair_share"));
			processing.merge(batch.customerId(), -1, Integer::sum);
			return true;
		}
		return false;
	}

	/**
	 * A queued batch's place in the admission order (1: next), as things stand: batches
	 * whose customers are at their cap wait behind all others.
	 */
	int position(Batch batch) {
		var processing = admission.processingByCustomer();
		var now = clock.instant();
		var queued = admission.queued(settings.systemConcurrency(), 1000);
		var startable = queued.stream().filter(b -> mayStart(b, processing)).toList();
		var order = admissionOrder(processing, fairShare(processing, startable), now);
		var ahead = queued.stream()
			.filter(b -> !b.id().equals(batch.id()))
			.filter(b -> mayStart(b, processing) && (!mayStart(batch, processing) || order.compare(b, batch) < 0))
			.count();
		return (int) ahead + 1;
	}

	private static boolean mayStart(Batch batch, Map<String, Integer> processing) {
		return batch.maxConcurrent() == null || processing.getOrDefault(batch.customerId(), 0) < batch.maxConcurrent();
	}

	/**
	 * Customers below their fair share of the slots first, then the highest effective
	 * level, the customer with the fewest batches processing, the batch submitted first.
	 */
	private Comparator<Batch> admissionOrder(Map<String, Integer> processing, int share, Instant now) {
		return Comparator.comparing((Batch b) -> processing.getOrDefault(b.customerId(), 0) >= share)
			.thenComparingLong(b -> -effectiveLevel(b, now))
			.thenComparingInt(b -> processing.getOrDefault(b.customerId(), 0))
			.thenComparing(Batch::submittedAt)
			.thenComparing(Batch::id);
	}

	/** The plan's priority, raised one level for every {@code agingPerLevel} waited. */
	private long effectiveLevel(Batch batch, Instant now) {
		long waited = Math.max(0, Duration.between(batch.submittedAt(), now).toMillis());
		return batch.priority() + waited / Math.max(1, settings.agingPerLevel().toMillis());
	}

	private boolean start(Batch batch) {
		var now = clock.instant();
		if (!admission.start(batch.id(), now, now.plus(batch.batchTimeout()))) {
			return false;
		}
		// the queue's virtual time: the lowest tag waiting, or, with none waiting, the
		// highest tag given out, so that an idle queue starts everyone afresh
		long highest = fairQueue.clock(batch.region());
		long vtime = fairQueue.lowestReadyRank(batch.region()).orElse(highest);
		long tag = Math.max(vtime, fairQueue.lastTag(batch.region(), batch.customerId()));
		long step = TAG_STEP / (1 + batch.priority());
		fairQueue.rankAndRelease(batch.id(), false, 0, tag + step, step, batch.parallel());
		tag += step * batch.operationCount();
		fairQueue.setLastTag(batch.region(), batch.customerId(), tag);
		fairQueue.setClock(batch.region(), Math.max(highest, tag));
		lifecycle.event(batch, "batch.processing", Map.of("startedAt", now.toString()));
		metrics.admitted(batch, now);
		ready.signal();
		return true;
	}

	/**
	 * Retries or fails operations whose lease ran out; fails batches past their deadline.
	 * Each is handled on its own, so one that cannot be does not hold up the others.
	 */
	void sweep() {
		var now = clock.instant();
		for (var id : sweeps.expiredLeases(now, 500)) {
			try {
				workers.leaseExpired(id);
			}
			catch (RuntimeException ex) {
				log.warn("Could not end the expired lease of operation {}", id, ex);
			}
		}
		for (var id : sweeps.unsettled(100)) {
			try {
				workers.settleIfDue(id);
			}
			catch (RuntimeException ex) {
				log.warn("Could not settle batch {}", id, ex);
			}
		}
		for (var id : sweeps.overdue(now, 100)) {
			try {
				transactions.executeWithoutResult(status -> repository.lock(id).ifPresent(this::overdue));
			}
			catch (RuntimeException ex) {
				log.warn("Could not end overdue batch {}", id, ex);
			}
		}
	}

	private void overdue(Batch batch) {
		if (batch.deadlineAt() == null || batch.deadlineAt().isAfter(clock.instant())) {
			return;
		}
		if (batch.status() == BatchStatus.PROCESSING) {
			lifecycle.fail(batch, "the batch ran out of time (" + batch.batchTimeout().toSeconds() + " s to finish)");
		}
		else if (batch.status() == BatchStatus.ROLLING_BACK) {
			lifecycle.rollbackTimedOut(batch);
		}
	}

	/**
	 * Admits whenever a batch is submitted or ends (on any node), and at least every
	 * tick; sweeps every tick. A sweep looks for what a lease, a deadline or a stopped
	 * node left undone, which a tick later is as good as at once, so it does not run at
	 * every batch's end: on a busy queue batches end many times a tick.
	 */
	private void run() {
		long lastRefresh = 0;
		long tick = settings.tick().toNanos();
		long nextSweep = System.nanoTime();
		while (running) {
			long seen = ready.batchesVersion();
			if (System.nanoTime() - lastRefresh > METRICS_REFRESH.toNanos()) {
				lastRefresh = System.nanoTime();
				guarded("Refreshing batch metrics", metrics::refresh);
			}
			if (System.nanoTime() - nextSweep >= 0) {
				nextSweep = System.nanoTime() + tick;
				guarded("Sweeping leases and deadlines", this::sweep);
			}
			guarded("Admitting batches", () -> {
				while (admit() > 0) {
					// admit until the caps or the queue are exhausted
				}
			});
			try {
				ready.awaitBatches(seen, Duration.ofNanos(Math.max(0, nextSweep - System.nanoTime())));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** Each step of a turn on its own: one failing does not skip the others. */
	private static void guarded(String what, Runnable step) {
		try {
			step.run();
		}
		catch (RuntimeException ex) {
			log.warn("{} failed; retrying shortly", what, ex);
		}
	}

	@Override
	public void start() {
		running = true;
		thread = new Thread(this::run, "plangate-batch-scheduler");
		thread.setDaemon(true);
		thread.start();
	}

	@Override
	public void stop() {
		running = false;
		thread.interrupt();
		try {
			thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return running;
	}

}

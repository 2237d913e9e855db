package dev.plangate.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Plangate#track}'s buffer and the threads that send it: events wait in a bounded
 * queue and go to {@code POST /v1/usage-events} in requests of up to {@code batchSize},
 * as soon as that many wait or every {@code interval}, up to one request under way per
 * sending thread. A request that fails is sent again, the same events with the same
 * {@code Idempotency-Key} (and each event has its own id, so no event counts twice),
 * asking for the counts alone ({@code Prefer: return=minimal}), as the answer is not
 * read, until it succeeds or the server refuses it; meanwhile the queue fills, and once
 * full {@code track} waits up to {@code blockTimeout}, then throws. Nothing taken is
 * dropped without the {@link TrackFailureHandler} being told. Batches are numbered in the
 * queue's order and counted as done in that order, whichever thread ends first.
 */
final class Tracker {

	private static final Logger log = LoggerFactory.getLogger(Tracker.class);

	private static final Pattern EVENT_INDEX = Pattern.compile("^events\\[(\\d+)]");

	private final Transport transport;

	private final ArrayBlockingQueue<UsageEvent> queue;

	private final int batchSize;

	private final Duration interval;

	private final Duration blockTimeout;

	private final RetryPolicy retry;

	private final TrackFailureHandler onFailure;

	private final List<Thread> senders;

	/**
	 * Guards taking a batch from the queue and numbering it, so numbers follow the queue.
	 */
	private final Object taking = new Object();

	/** The next batch's number; guarded by {@link #taking}. */
	private long nextBatch;

	/** Batches ended out of order, by number, with their sizes; guarded by this. */
	private final TreeMap<Long, Integer> ended = new TreeMap<>();

	/** The first batch not yet counted in {@link #done}; guarded by this. */
	private long nextCounted;

	private final AtomicLong accepted = new AtomicLong();

	private final AtomicLong failed = new AtomicLong();

	private final AtomicInteger flushing = new AtomicInteger();

	private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();

	/** Events recorded or handed to the failure handler; guarded by this. */
	private long done;

	private volatile boolean closing;

	private volatile long closeDeadline = Long.MAX_VALUE;

	Tracker(Transport transport, int capacity, int batchSize, Duration interval, Duration blockTimeout,
			RetryPolicy retry, TrackFailureHandler onFailure, int senderCount) {
		this.transport = transport;
		this.queue = new ArrayBlockingQueue<>(capacity);
		this.batchSize = batchSize;
		this.interval = interval;
		this.blockTimeout = blockTimeout;
		this.retry = retry;
		this.onFailure = onFailure;
		var threads = new ArrayList<Thread>();
		for (int i = 0; i < senderCount; i++) {
			var thread = new Thread(this::run, "plangate-track-" + i);
			thread.setDaemon(true);
			threads.add(thread);
		}
		this.senders = List.copyOf(threads);
		senders.forEach(Thread::start);
	}

	private void wakeSenders() {
		for (var thread : senders) {
			LockSupport.unpark(thread);
		}
	}

	void track(UsageEvent event) {
		// held while the event goes in, so that close() cannot start between the check
		// and
		// the offer and leave an event behind in a queue no one sends any more
		gate.readLock().lock();
		try {
			offer(event);
		}
		finally {
			gate.readLock().unlock();
		}
		if (queue.size() >= batchSize) {
			wakeSenders();
		}
	}

	private void offer(UsageEvent event) {
		if (closing) {
			throw new IllegalStateException("This Plangate client is closed: it tracks no more events");
		}
		try {
			if (!queue.offer(event) && !queue.offer(event, blockTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
				throw new TrackBufferFullException("The track buffer (" + (queue.remainingCapacity() + queue.size())
						+ " events) stayed full for " + blockTimeout.toMillis()
						+ " ms: Plangate takes events slower than they are tracked; event " + event.id()
						+ " was not taken");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new TrackBufferFullException(
					"Interrupted while waiting for room in the track buffer; event " + event.id() + " was not taken");
		}
		accepted.incrementAndGet();
	}

	/**
	 * Waits until every event taken before the call has been recorded (or handed to the
	 * failure handler); answers false if {@code timeout} passed first.
	 */
	boolean flush(Duration timeout) throws InterruptedException {
		long target = accepted.get();
		long deadline = System.nanoTime() + timeout.toNanos();
		flushing.incrementAndGet();
		try {
			wakeSenders();
			synchronized (this) {
				while (done < target) {
					long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
					if (left <= 0) {
						return false;
					}
					wait(left);
				}
				return true;
			}
		}
		finally {
			flushing.decrementAndGet();
		}
	}

	/**
	 * Takes no more events, sends what it holds, and stops, within {@code timeout}; what
	 * is still unsent then goes to the failure handler.
	 */
	void close(Duration timeout) {
		if (closing) {
			return;
		}
		closeDeadline = System.nanoTime() + timeout.toNanos();
		gate.writeLock().lock();
		try {
			closing = true;
		}
		finally {
			gate.writeLock().unlock();
		}
		wakeSenders();
		try {
			long until = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
			for (var sender : senders) {
				sender.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())));
			}
			for (var sender : senders) {
				if (sender.isAlive()) {
					sender.interrupt();
					sender.join(5_000);
				}
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Events taken and not yet recorded or handed to the failure handler. */
	long pending() {
		synchronized (this) {
			return accepted.get() - done;
		}
	}

	/** Events handed to the failure handler since the start. */
	long failed() {
		return failed.get();
	}

	/**
	 * One sender's loop: takes a numbered batch from the queue, sends it until it is
	 * recorded or refused, then counts it once every batch numbered before it has been
	 * counted too, so that {@link #flush} never answers before an earlier event is in.
	 */
	private void run() {
		var batch = new ArrayList<UsageEvent>();
		long number = -1;
		int size = 0;
		String key = null;
		int failures = 0;
		while (true) {
			if (batch.isEmpty()) {
				awaitWork();
				synchronized (taking) {
					queue.drainTo(batch, batchSize);
					if (!batch.isEmpty()) {
						number = nextBatch++;
					}
				}
				if (batch.isEmpty()) {
					if (closing) {
						return;
					}
					continue;
				}
				size = batch.size();
				key = UUID.randomUUID().toString();
			}
			var outcome = send(batch, key);
			if (outcome == Outcome.RETRY_LATER) {
				failures++;
				if (closing && System.nanoTime() >= closeDeadline) {
					fail(new ArrayList<>(batch), new PlangateConnectionException(
							"Closing: " + batch.size() + " tracked events could not be sent in time", null));
					ended(number, size);
					batch.clear();
					failUnsent();
					return;
				}
				pause(retry.backoff(Math.min(failures, 6), ThreadLocalRandom.current().nextDouble()));
			}
			else if (outcome == Outcome.RESEND) {
				key = UUID.randomUUID().toString();
			}
			else {
				failures = 0;
				batch.clear();
				ended(number, size);
			}
		}
	}

	/** Closing out of time: what the queue still holds goes to the failure handler. */
	private void failUnsent() {
		var unsent = new ArrayList<UsageEvent>();
		long number;
		synchronized (taking) {
			queue.drainTo(unsent);
			if (unsent.isEmpty()) {
				return;
			}
			number = nextBatch++;
		}
		fail(unsent, new PlangateConnectionException(
				"Closing: " + unsent.size() + " tracked events could not be sent in time", null));
		ended(number, unsent.size());
	}

	private void awaitWork() {
		long deadline = System.nanoTime() + interval.toNanos();
		while (queue.size() < batchSize && flushing.get() == 0 && !closing) {
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				return;
			}
			LockSupport.parkNanos(this, left);
		}
	}

	private enum Outcome {

		/** Recorded, or refused for good and handed over. */
		DONE,
		/**
		 * Some events were refused and handed over; the rest are to be sent again now.
		 */
		RESEND,
		/** Plangate could not take them now. */
		RETRY_LATER

	}

	private Outcome send(List<UsageEvent> batch, String key) {
		var body = Transport.JSON.createObjectNode();
		var events = body.putArray("events");
		for (var e : batch) {
			var node = events.addObject()
				.put("id", e.id())
				.put("customerId", e.customerId())
				.put("feature", e.feature())
				.put("amount", e.amount())
				.put("timestamp", e.timestamp().toString());
			if (!e.properties().isEmpty()) {
				node.set("properties", Transport.JSON.valueToTree(e.properties()));
			}
		}
		try {
			transport.sendMinimal("POST", "/v1/usage-events", body, key);
			return Outcome.DONE;
		}
		catch (PlangateConnectionException ex) {
			if (Thread.currentThread().isInterrupted() && closing) {
				Thread.interrupted();
			}
			log.debug("Sending {} tracked events failed; retrying: {}", batch.size(), ex.toString());
			return Outcome.RETRY_LATER;
		}
		catch (PlangateApiException ex) {
			if (ex.status() >= 500 || ex.status() == 429 || ex.status() == 409) {
				log.debug("Plangate could not take {} tracked events now; retrying: {}", batch.size(), ex.toString());
				return Outcome.RETRY_LATER;
			}
			if ("invalid_usage_events".equals(ex.code())) {
				var bad = new TreeSet<Integer>();
				for (var error : ex.fieldErrors()) {
					var m = EVENT_INDEX.matcher(error.field());
					if (m.find() && Integer.parseInt(m.group(1)) < batch.size()) {
						bad.add(Integer.parseInt(m.group(1)));
					}
				}
				if (!bad.isEmpty() && bad.size() < batch.size()) {
					var refused = new ArrayList<UsageEvent>();
					for (int i : bad.descendingSet()) {
						refused.add(0, batch.remove(i));
					}
					fail(refused, ex);
					return Outcome.RESEND;
				}
			}
			fail(new ArrayList<>(batch), ex);
			return Outcome.DONE;
		}
	}

	private void fail(List<UsageEvent> events, PlangateException cause) {
		failed.addAndGet(events.size());
		try {
			onFailure.failed(List.copyOf(events), cause);
		}
		catch (RuntimeException ex) {
			log.error("The track failure handler failed on {} events", events.size(), ex);
		}
	}

	/** Batch {@code number} of {@code size} events is recorded or handed over. */
	private synchronized void ended(long number, int size) {
		ended.put(number, size);
		for (var next = ended.remove(nextCounted); next != null; next = ended.remove(nextCounted)) {
			done += next;
			nextCounted++;
		}
		notifyAll();
	}

	private static void pause(Duration wait) {
		try {
			Thread.sleep(wait.toMillis());
		}
		catch (InterruptedException ex) {
			// closing: the loop decides
		}
	}

}

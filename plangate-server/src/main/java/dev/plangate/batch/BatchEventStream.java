package dev.plangate.batch;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Live batch events for subscribers on this node (SSE and WebSocket clients). One reader
 * follows the event table, which every node writes to, so subscribers see the events of
 * every node. A subscriber first gets the events it missed from the table, then live
 * ones.
 *
 * <p>
 * Event numbers are given out when a transaction writes them, but transactions commit in
 * their own order: a lower number can appear a moment after a higher one. The reader
 * sends events in number order only, waiting up to {@link #GAP_TIMEOUT} for a missing
 * number before it gives it up as rolled back, so a subscriber resuming after the last
 * number it got misses nothing.
 */
@Component
class BatchEventStream implements SmartLifecycle {

	/** How long a missing event number may still turn up. */
	static final Duration GAP_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration POLL = Duration.ofMillis(200);

	private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

	private static final Logger log = LoggerFactory.getLogger(BatchEventStream.class);

	/** Where a subscriber's events go; answers false once it is gone. */
	interface Sink {

		boolean send(BatchEvent event);

		boolean keepAlive();

		/** Ends the subscriber's connection: the server is stopping. */
		void close();

	}

	/**
	 * One subscriber: what it wants, and the events it was sent, so that replay and live
	 * delivery never send one twice.
	 */
	private static final class Subscription {

		private static final int REMEMBERED = 10_000;

		private final String customerId;

		private final @Nullable UUID batchId;

		private final Sink sink;

		/** The subscriber has every event up to here. */
		private final long floor;

		private final TreeSet<Long> sent = new TreeSet<>();

		private boolean gone;

		Subscription(String customerId, @Nullable UUID batchId, Sink sink, long floor) {
			this.customerId = customerId;
			this.batchId = batchId;
			this.sink = sink;
			this.floor = floor;
		}

		boolean wants(BatchEvent event) {
			return event.seq() > floor && event.customerId().equals(customerId)
					&& (batchId == null || batchId.equals(event.batchId()));
		}

		/** Sends an event not sent before; false once the subscriber is gone. */
		synchronized boolean deliver(BatchEvent event) {
			if (gone || !sent.add(event.seq())) {
				return !gone;
			}
			if (sent.size() > REMEMBERED) {
				sent.pollFirst();
			}
			gone = !sink.send(event);
			return !gone;
		}

		synchronized void close() {
			gone = true;
			sink.close();
		}

		synchronized boolean keepAlive() {
			gone = gone || !sink.keepAlive();
			return !gone;
		}

	}

	private final BatchRepository repository;

	private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();

	/** Every event up to here has been sent (or given up as rolled back). */
	private volatile long cursor;

	/** Events read above the cursor, waiting for the numbers below them. */
	private final java.util.TreeMap<Long, BatchEvent> waiting = new java.util.TreeMap<>();

	/** Missing numbers above the cursor, and since when they have been missing. */
	private final Map<Long, Long> missingSince = new HashMap<>();

	private volatile boolean running;

	private Thread thread;

	BatchEventStream(BatchRepository repository) {
		this.repository = repository;
	}

	/** The most events a new subscriber is sent from the table before live ones. */
	static final int MAX_CATCH_UP = 10_000;

	/**
	 * Sends the events after {@code afterSeq} of one batch (or all of a customer's), up
	 * to where the live reader has come (at most {@link #MAX_CATCH_UP}), then every new
	 * one until the sink is gone.
	 */
	void subscribe(String customerId, @Nullable UUID batchId, long afterSeq, Sink sink) {
		var subscription = new Subscription(customerId, batchId, sink, afterSeq);
		// listening before reading what was missed, and holding live events back until
		// it is sent, so that nothing falls between the two and order is kept
		synchronized (subscription) {
			subscriptions.add(subscription);
			try {
				long upTo = cursor;
				long replayed = Math.max(afterSeq, upTo - MAX_CATCH_UP);
				while (replayed < upTo) {
					var missed = repository.events(customerId, batchId, replayed, 1000);
					for (var event : missed) {
						if (event.seq() > upTo) {
							return;
						}
						if (!subscription.deliver(event)) {
							subscriptions.remove(subscription);
							return;
						}
						replayed = event.seq();
					}
					if (missed.size() < 1000) {
						return;
					}
				}
			}
			catch (RuntimeException ex) {
				subscriptions.remove(subscription);
				throw ex;
			}
		}
	}

	int subscribers() {
		return subscriptions.size();
	}

	/**
	 * Reads new events and hands them to subscribers in number order: an event is sent
	 * only once every lower number has been sent or given up as rolled back, so a reader
	 * resuming after the last number it got misses nothing. Package-visible for tests.
	 */
	void pump() {
		var now = System.nanoTime();
		var wallNow = java.time.Instant.now();
		for (var event : repository.eventsAfter(cursor, 1000)) {
			if (event.seq() > cursor) {
				waiting.putIfAbsent(event.seq(), event);
			}
		}
		if (waiting.isEmpty()) {
			return;
		}
		// a missing number below an event written long enough ago is given up: numbers
		// are given out in order, so its transaction began before that event was written
		long newest = waiting.lastKey();
		for (long seq = cursor + 1; seq < newest; seq++) {
			if (!waiting.containsKey(seq)) {
				var later = waiting.higherEntry(seq).getValue();
				long age = java.time.Duration.between(later.at(), wallNow).toNanos();
				missingSince.putIfAbsent(seq, now - Math.max(0, age));
			}
		}
		while (true) {
			long next = cursor + 1;
			var event = waiting.remove(next);
			Long missing = missingSince.get(next);
			if (event != null) {
				cursor = next;
				missingSince.remove(next);
				send(event);
			}
			else if (missing != null && now - missing > GAP_TIMEOUT.toNanos()) {
				missingSince.remove(next);
				cursor = next;
			}
			else {
				return;
			}
		}
	}

	private void send(BatchEvent event) {
		for (var subscription : subscriptions) {
			if (subscription.wants(event) && !subscription.deliver(event)) {
				subscriptions.remove(subscription);
			}
		}
	}

	private void run() {
		long lastKeepAlive = System.nanoTime();
		while (running) {
			try {
				if (!subscriptions.isEmpty()) {
					pump();
				}
				else {
					skipToEnd();
				}
				if (System.nanoTime() - lastKeepAlive > KEEP_ALIVE.toNanos()) {
					subscriptions.removeIf(s -> !s.keepAlive());
					lastKeepAlive = System.nanoTime();
				}
			}
			catch (RuntimeException ex) {
				log.warn("Reading batch events failed; retrying shortly", ex);
			}
			try {
				Thread.sleep(POLL.toMillis());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * With nobody listening there is nothing to send: new subscribers replay from the
	 * table.
	 */
	private void skipToEnd() {
		cursor = Math.max(cursor, repository.lastEventSeq() - 1000);
		waiting.clear();
		missingSince.clear();
	}

	@Override
	public void start() {
		running = true;
		thread = new Thread(this::run, "plangate-batch-events");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * Ends every subscriber's connection, so that the web server's graceful shutdown does
	 * not wait for streams that would never end; clients reconnect to another node.
	 */
	@Override
	public void stop() {
		running = false;
		thread.interrupt();
		subscriptions.forEach(Subscription::close);
		subscriptions.clear();
	}

	@Override
	public boolean isRunning() {
		return running;
	}

}

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
 * waits up to {@link #GAP_TIMEOUT} for a missing number before it gives it up as rolled
 * back, and sends each event once, so none is lost to that race.
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

	/** Every event up to here has been handled. */
	private long cursor;

	/** Events above the cursor already handled. */
	private final TreeSet<Long> handled = new TreeSet<>();

	/** Missing numbers above the cursor, and since when they have been missing. */
	private final Map<Long, Long> missingSince = new HashMap<>();

	private volatile boolean running;

	private Thread thread;

	BatchEventStream(BatchRepository repository) {
		this.repository = repository;
	}

	/**
	 * Sends the events after {@code afterSeq} of one batch (or all of a customer's), then
	 * every new one until the sink is gone.
	 */
	void subscribe(String customerId, @Nullable UUID batchId, long afterSeq, Sink sink) {
		var subscription = new Subscription(customerId, batchId, sink, afterSeq);
		// listening before reading what was missed, and holding live events back until
		// it is sent, so that nothing falls between the two and order is kept
		synchronized (subscription) {
			subscriptions.add(subscription);
			long replayed = afterSeq;
			while (true) {
				var missed = repository.events(customerId, batchId, replayed, 1000);
				for (var event : missed) {
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
	}

	int subscribers() {
		return subscriptions.size();
	}

	/** Reads new events and hands them to subscribers; package-visible for tests. */
	void pump() {
		var now = System.nanoTime();
		for (var event : repository.eventsAfter(cursor, 1000)) {
			if (!handled.add(event.seq())) {
				continue;
			}
			missingSince.remove(event.seq());
			for (var subscription : subscriptions) {
				if (subscription.wants(event) && !subscription.deliver(event)) {
					subscriptions.remove(subscription);
				}
			}
		}
		if (handled.isEmpty()) {
			return;
		}
		for (long seq = cursor + 1; seq < handled.last(); seq++) {
			if (!handled.contains(seq)) {
				missingSince.putIfAbsent(seq, now);
			}
		}
		while (true) {
			long next = cursor + 1;
			Long missing = missingSince.get(next);
			if (handled.remove(next)) {
				cursor = next;
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
		handled.clear();
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

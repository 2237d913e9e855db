package dev.plangate.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.plangate.platform.EventBus;

/**
 * Live batch events for subscribers on this node (SSE and WebSocket clients). One reader
 * follows the event table, which every node writes to, so subscribers see the events of
 * every node. It reads at once when the {@link EventBus} brings notice that some node
 * wrote events ({@link EventNotices}), and on a slow timer besides, so a notice the bus
 * loses only delays. A subscriber first gets the events it missed from the table, then
 * live ones ({@link EventSubscribers}).
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

	/** How often the table is read while a missing number is awaited. */
	private static final Duration GAP_POLL = Duration.ofMillis(200);

	private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

	/** Events read from the table at a time, live or catching up. */
	static final int PAGE = 500;

	/** The code a subscriber is disconnected with when it falls too far behind. */
	static final String TOO_SLOW = "subscriber_too_slow";

	/** The SSE event that ends a stream fallen too far behind. */
	static final String TOO_SLOW_EVENT = "stream.too_slow";

	private static final Logger log = LoggerFactory.getLogger(BatchEventStream.class);

	/** Where a subscriber's events go; answers false once it is gone. */
	interface Sink {

		boolean send(BatchEvent event);

		boolean keepAlive();

		/** Ends the subscriber's connection: the server is stopping. */
		void close();

		/**
		 * Ends the subscriber's connection because it fell too far behind, saying so; it
		 * may resume after {@code lastSeq}, the last event it was sent.
		 */
		void tooSlow(long lastSeq);

		/**
		 * How the subscriber is connected, {@code sse} or {@code websocket}: the
		 * {@code transport} tag of {@code plangate.live.connections}.
		 */
		String transport();

	}

	private final BatchEventRepository eventLog;

	private final EventSubscribers subscribers;

	private final EventBus bus;

	private final Duration poll;

	/** Every event up to here has been sent (or given up as rolled back). */
	private volatile long cursor;

	/** Events read above the cursor, waiting for the numbers below them. */
	private final TreeMap<Long, BatchEvent> waiting = new TreeMap<>();

	/** Missing numbers above the cursor, and since when they have been missing. */
	private final Map<Long, Long> missingSince = new HashMap<>();

	/** The reader sleeps on this until it is woken or its time comes. */
	private final Object wake = new Object();

	private boolean woken;

	private volatile boolean running;

	private @Nullable Thread thread;

	private EventBus.@Nullable Subscription notices;

	BatchEventStream(BatchEventRepository eventLog, EventSubscribers subscribers, EventBus bus,
			BatchSettings settings) {
		this.eventLog = eventLog;
		this.subscribers = subscribers;
		this.bus = bus;
		this.poll = settings.eventsPoll();
	}

	/**
	 * Sends the events after {@code afterSeq} of one batch (or all of a customer's): the
	 * ones already written from the table, then every new one, until the sink is gone.
	 */
	void subscribe(String customerId, @Nullable UUID batchId, long afterSeq, Sink sink) {
		// listening before reading where the live reader is, so that nothing falls
		// between what is read from the table and what comes live
		var subscription = subscribers.add(customerId, batchId, afterSeq, sink);
		subscription.start(cursor);
		wakeUp();
	}

	int subscribers() {
		return subscribers.size();
	}

	/** A node wrote events: reads them now, if anyone here wants them. */
	private void noticed(String message) {
		if (subscribers.isEmpty()) {
			// nobody here to wake: the notice is not even read
			return;
		}
		var notices = EventNotices.Notice.parseAll(message);
		if (notices.isEmpty()) {
			log.debug("Ignoring a batch events notice that is not one: {}", message);
			return;
		}
		for (var notice : notices) {
			if (notice.seq() > cursor && subscribers.anyWants(notice.customerId(), notice.batchId())) {
				wakeUp();
				return;
			}
		}
	}

	private void wakeUp() {
		synchronized (wake) {
			woken = true;
			wake.notifyAll();
		}
	}

	/**
	 * Reads new events and hands them to subscribers in number order: an event is sent
	 * only once every lower number has been sent or given up as rolled back, so a reader
	 * resuming after the last number it got misses nothing. Package-visible for tests.
	 */
	void pump() {
		var now = System.nanoTime();
		var wallNow = Instant.now();
		while (true) {
			long from = cursor;
			var read = eventLog.eventsAfter(from, PAGE);
			for (var event : read) {
				if (event.seq() > cursor) {
					waiting.putIfAbsent(event.seq(), event);
				}
			}
			advance(now, wallNow);
			// a full page read on, unless a missing number holds the cursor back
			if (read.size() < PAGE || cursor == from) {
				return;
			}
		}
	}

	private void advance(long now, Instant wallNow) {
		if (waiting.isEmpty()) {
			return;
		}
		// a missing number below an event written long enough ago is given up: numbers
		// are given out in order, so its transaction began before that event was written
		long newest = waiting.lastKey();
		for (long seq = cursor + 1; seq < newest; seq++) {
			if (!waiting.containsKey(seq)) {
				var later = waiting.higherEntry(seq).getValue();
				long age = Duration.between(later.at(), wallNow).toNanos();
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
				subscribers.send(event);
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
				if (!subscribers.isEmpty()) {
					pump();
				}
				else {
					skipToEnd();
				}
				if (System.nanoTime() - lastKeepAlive > KEEP_ALIVE.toNanos()) {
					subscribers.keepAlive();
					lastKeepAlive = System.nanoTime();
				}
			}
			catch (RuntimeException ex) {
				log.warn("Reading batch events failed; retrying shortly", ex);
			}
			try {
				synchronized (wake) {
					if (!woken) {
						wake.wait((waiting.isEmpty() ? poll : GAP_POLL).toMillis());
					}
					woken = false;
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/**
	 * With nobody listening there is nothing to send: new subscribers read what they
	 * missed from the table.
	 */
	private void skipToEnd() {
		cursor = Math.max(cursor, eventLog.lastEventSeq() - PAGE);
		waiting.clear();
		missingSince.clear();
	}

	@Override
	public void start() {
		running = true;
		notices = bus.subscribe(EventNotices.TOPIC, this::noticed);
		var reader = new Thread(this::run, "plangate-batch-events");
		reader.setDaemon(true);
		reader.start();
		thread = reader;
	}

	/**
	 * Ends every subscriber's connection, so that the web server's graceful shutdown does
	 * not wait for streams that would never end; clients reconnect to another node.
	 */
	@Override
	public void stop() {
		running = false;
		if (notices != null) {
			notices.close();
		}
		if (thread != null) {
			thread.interrupt();
		}
		subscribers.closeAll();
	}

	@Override
	public boolean isRunning() {
		return running;
	}

}

package dev.plangate.batch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
 * live ones.
 *
 * <p>
 * Event numbers are given out when a transaction writes them, but transactions commit in
 * their own order: a lower number can appear a moment after a higher one. The reader
 * sends events in number order only, waiting up to {@link #GAP_TIMEOUT} for a missing
 * number before it gives it up as rolled back, so a subscriber resuming after the last
 * number it got misses nothing.
 *
 * <p>
 * Each subscriber has a bounded queue of its own, sent from by a thread of its own while
 * it has something to send: a slow client holds up nobody else, and one that falls
 * {@code subscriberQueue} events behind is disconnected with a reason, and resumes after
 * the last event it got.
 */
@Component
class BatchEventStream implements SmartLifecycle {

	/** How long a missing event number may still turn up. */
	static final Duration GAP_TIMEOUT = Duration.ofSeconds(5);

	/** How often the table is read while a missing number is awaited. */
	private static final Duration GAP_POLL = Duration.ofMillis(200);

	private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

	/** Events read from the table at a time, live or catching up. */
	private static final int PAGE = 500;

	/** The code a subscriber is disconnected with when it falls too far behind. */
	static final String TOO_SLOW = "subscriber_too_slow";

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

	}

	private enum Ending {

		CLOSED, TOO_SLOW, GONE

	}

	/**
	 * One subscriber: what it wants, the live events waiting to be sent to it, and how
	 * far it has got. Events reach it in number order, first from the table (the ones it
	 * missed) then from its queue, each once.
	 */
	private final class Subscription implements Runnable {

		private final String customerId;

		private final @Nullable UUID batchId;

		private final Sink sink;

		/** It has every event up to here: the last one sent, or where it resumed. */
		private volatile long delivered;

		/** Where its catching up from the table ends and its queue takes over. */
		private long catchUpTo = -1;

		private final ArrayDeque<BatchEvent> queue = new ArrayDeque<>();

		/** Whether a thread is sending to it. */
		private boolean sending;

		private boolean keepAliveDue;

		private @Nullable Ending ending;

		Subscription(String customerId, @Nullable UUID batchId, Sink sink, long after) {
			this.customerId = customerId;
			this.batchId = batchId;
			this.sink = sink;
			this.delivered = after;
		}

		boolean wants(String customer, @Nullable UUID batch) {
			return customer.equals(customerId) && (batchId == null || batchId.equals(batch));
		}

		/** Queues a live event; false once the subscriber is gone or too far behind. */
		synchronized boolean offer(BatchEvent event) {
			if (ending != null) {
				return false;
			}
			if (event.seq() <= delivered || !wants(event.customerId(), event.batchId())) {
				return true;
			}
			if (queue.size() >= queueLimit) {
				// what is queued will not be sent: the subscriber reads it from the table
				// when it resumes
				queue.clear();
				end(Ending.TOO_SLOW);
				return false;
			}
			queue.add(event);
			startSending();
			return true;
		}

		/** Asks for a keep-alive; false once the subscriber is gone. */
		synchronized boolean keepAlive() {
			if (ending != null) {
				return false;
			}
			if (!sending) {
				keepAliveDue = true;
				startSending();
			}
			return true;
		}

		/** Starts catching up, from the table, to where the live reader has come. */
		synchronized void start(long upTo) {
			catchUpTo = upTo;
			startSending();
		}

		private void startSending() {
			if (!sending) {
				sending = true;
				try {
					senders.execute(this);
				}
				catch (RuntimeException ex) {
					sending = false;
					end(Ending.CLOSED);
				}
			}
		}

		synchronized void end(Ending why) {
			if (ending == null) {
				ending = why;
				startSending();
			}
		}

		/** Sends what there is to send, then stops until there is more. */
		@Override
		public void run() {
			try {
				catchUp();
				while (true) {
					BatchEvent next;
					boolean ping;
					Ending end;
					synchronized (this) {
						end = ending;
						next = end == null ? queue.poll() : null;
						ping = end == null && next == null && keepAliveDue;
						keepAliveDue = false;
						if (end == null && next == null && !ping) {
							sending = false;
							return;
						}
					}
					if (end != null) {
						finish(end);
						return;
					}
					if (next != null && next.seq() > delivered) {
						if (!sink.send(next)) {
							finish(Ending.GONE);
							return;
						}
						delivered = next.seq();
					}
					else if (ping && !sink.keepAlive()) {
						finish(Ending.GONE);
						return;
					}
				}
			}
			catch (RuntimeException ex) {
				log.warn("Sending batch events to a subscriber failed; disconnecting it", ex);
				finish(Ending.CLOSED);
			}
		}

		/** Sends the events it missed, from the table, up to {@link #catchUpTo}. */
		private void catchUp() {
			long upTo;
			synchronized (this) {
				upTo = catchUpTo;
				catchUpTo = -1;
			}
			while (upTo > delivered) {
				synchronized (this) {
					if (ending != null) {
						return;
					}
				}
				var missed = repository.events(customerId, batchId, delivered, PAGE);
				for (var event : missed) {
					if (event.seq() > upTo) {
						return;
					}
					if (!sink.send(event)) {
						end(Ending.GONE);
						return;
					}
					delivered = event.seq();
				}
				if (missed.size() < PAGE) {
					return;
				}
			}
		}

		/** Ends the connection from the calling thread: the server is stopping. */
		void closeNow() {
			synchronized (this) {
				if (ending != null && !sending) {
					return;
				}
				ending = Ending.CLOSED;
				queue.clear();
			}
			try {
				sink.close();
			}
			catch (RuntimeException ex) {
				log.debug("Closing a batch events subscriber failed", ex);
			}
		}

		private void finish(Ending why) {
			synchronized (this) {
				ending = why;
				queue.clear();
			}
			subscriptions.remove(this);
			try {
				switch (why) {
					case TOO_SLOW -> sink.tooSlow(delivered);
					case CLOSED -> sink.close();
					case GONE -> {
					}
				}
			}
			catch (RuntimeException ex) {
				log.debug("Ending a batch events subscriber failed", ex);
			}
		}

	}

	private final BatchRepository repository;

	private final EventBus bus;

	private final Duration poll;

	private final int queueLimit;

	private final CopyOnWriteArrayList<Subscription> subscriptions = new CopyOnWriteArrayList<>();

	/** Sends to subscribers: a thread for each one with something to send. */
	private final ExecutorService senders;

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

	BatchEventStream(BatchRepository repository, EventBus bus, BatchSettings settings) {
		this.repository = repository;
		this.bus = bus;
		this.poll = settings.eventsPoll();
		this.queueLimit = Math.max(1, settings.subscriberQueue());
		var threads = new AtomicInteger();
		this.senders = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
				task -> {
					var sender = new Thread(task, "plangate-batch-events-send-" + threads.incrementAndGet());
					sender.setDaemon(true);
					return sender;
				});
	}

	/**
	 * Sends the events after {@code afterSeq} of one batch (or all of a customer's): the
	 * ones already written from the table, then every new one, until the sink is gone.
	 */
	void subscribe(String customerId, @Nullable UUID batchId, long afterSeq, Sink sink) {
		var subscription = new Subscription(customerId, batchId, sink, afterSeq);
		// listening before reading where the live reader is, so that nothing falls
		// between what is read from the table and what comes live
		subscriptions.add(subscription);
		subscription.start(cursor);
		wakeUp();
	}

	int subscribers() {
		return subscriptions.size();
	}

	/** A node wrote events: reads them now, if anyone here wants them. */
	private void noticed(String message) {
		var notice = EventNotices.Notice.parse(message);
		if (notice == null) {
			log.debug("Ignoring a batch events notice that is not one: {}", message);
			return;
		}
		if (notice.seq() > cursor
				&& subscriptions.stream().anyMatch(s -> s.wants(notice.customerId(), notice.batchId()))) {
			wakeUp();
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
			var read = repository.eventsAfter(from, PAGE);
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
			if (!subscription.offer(event)) {
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
		cursor = Math.max(cursor, repository.lastEventSeq() - PAGE);
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
		// closed from here: a sender blocked on a client that does not read is not waited
		// for
		subscriptions.forEach(Subscription::closeNow);
		subscriptions.clear();
		senders.shutdown();
	}

	@Override
	public boolean isRunning() {
		return running;
	}

}

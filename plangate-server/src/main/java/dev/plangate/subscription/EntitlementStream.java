package dev.plangate.subscription;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import dev.plangate.platform.EntitlementChanges;
import dev.plangate.platform.EntitlementChanges.Change;
import dev.plangate.platform.EventBus;

/**
 * The entitlement stream's followers on this node (SDKs keeping entitlements in memory).
 * Every node writes changes to one log ({@link EntitlementChanges}), so a follower
 * connected here hears of a change made on any node.
 *
 * <p>
 * Change numbers are given out when a transaction writes them, but transactions commit in
 * their own order: a lower number can appear a moment after a higher one. This node's
 * reader keeps a {@link #horizon}: every number up to it has been seen, or was missing
 * for {@link #GAP_TIMEOUT} and given up as rolled back. Followers are sent changes up to
 * the horizon only, in number order, so one resuming after the last number it got misses
 * none. Each follower has a thread of its own, so a slow one holds up nobody else.
 */
@Component
class EntitlementStream implements SmartLifecycle {

	/** How long a missing change number may still turn up. */
	static final Duration GAP_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration GAP_POLL = Duration.ofMillis(100);

	private static final Duration PRUNE_EVERY = Duration.ofHours(1);

	private static final int PAGE = 500;

	private static final Logger log = LoggerFactory.getLogger(EntitlementStream.class);

	/** Where a follower's events go; each answers false once the follower is gone. */
	interface Sink {

		/** The first event: where the follower starts, and whether it resumed. */
		boolean ready(long seq, boolean resumed);

		/**
		 * The follower's resume point is unknown or too old: it drops what it holds and
		 * goes on from {@code seq}.
		 */
		boolean reset(long seq, String reason);

		boolean send(Change change);

		boolean ping();

		/** Ends the connection: the server is stopping, or the connection is too old. */
		void close();

	}

	private final EntitlementChanges changes;

	private final EventBus bus;

	private final Clock clock;

	private final Duration keepAlive;

	private final Duration poll;

	private final Duration retention;

	/** Every change up to here has been seen, or given up as rolled back. */
	private volatile long horizon;

	/**
	 * Missing numbers above the horizon, and since when (nanos) they have been missing.
	 */
	private final Map<Long, Long> missingSince = new HashMap<>();

	private final CopyOnWriteArrayList<Follower> followers = new CopyOnWriteArrayList<>();

	private final ExecutorService senders;

	/** The reader sleeps on this until woken or its time comes. */
	private final Object wake = new Object();

	private boolean woken;

	/** Followers wait on this for the horizon to move. */
	private final Object advanced = new Object();

	private volatile boolean running;

	private @Nullable Thread reader;

	private EventBus.@Nullable Subscription notices;

	EntitlementStream(EntitlementChanges changes, EventBus bus, Clock clock, SubscriptionSettings settings) {
		this.changes = changes;
		this.bus = bus;
		this.clock = clock;
		this.keepAlive = settings.streamKeepAlive();
		this.poll = settings.streamPoll();
		this.retention = settings.streamRetention();
		var threads = new AtomicInteger();
		this.senders = Executors.newCachedThreadPool(task -> {
			var sender = new Thread(task, "plangate-entitlement-stream-" + threads.incrementAndGet());
			sender.setDaemon(true);
			return sender;
		});
	}

	/**
	 * Follows the log from after {@code after} (null: from now on), until the sink is
	 * gone or the server stops. A resume point this node cannot vouch for (beyond the
	 * log's end, or before what it still keeps) gets a {@code reset} first.
	 */
	void follow(@Nullable Long after, Sink sink) {
		long now = horizon;
		long start = now;
		String reset = null;
		if (after != null) {
			long last = Math.max(now, changes.lastSeq());
			long first = changes.firstSeq();
			if (after > last) {
				reset = "unknown_position";
			}
			else if (after < now && (first == 0 ? after < last : after < first - 1)) {
				reset = "position_too_old";
			}
			else {
				start = after;
			}
		}
		var follower = new Follower(sink, start, Math.max(start, now), after != null && reset == null, reset);
		followers.add(follower);
		try {
			senders.execute(follower);
		}
		catch (RuntimeException ex) {
			followers.remove(follower);
			sink.close();
		}
	}

	int followers() {
		return followers.size();
	}

	private final class Follower implements Runnable {

		private final Sink sink;

		private long delivered;

		/**
		 * Where {@code ready} is sent: once the changes up to the horizon as of
		 * connecting are sent, so that a client resuming is current when told it is.
		 */
		private final long readyAt;

		private final boolean resumed;

		private final @Nullable String reset;

		Follower(Sink sink, long start, long readyAt, boolean resumed, @Nullable String reset) {
			this.sink = sink;
			this.delivered = start;
			this.readyAt = readyAt;
			this.resumed = resumed;
			this.reset = reset;
		}

		@Override
		public void run() {
			try {
				boolean open = reset == null || sink.reset(delivered, reset);
				boolean ready = reset != null;
				long lastSent = System.nanoTime();
				while (open && running) {
					if (!ready && delivered >= readyAt) {
						open = sink.ready(delivered, resumed);
						ready = true;
						lastSent = System.nanoTime();
						continue;
					}
					long upTo = horizon;
					if (upTo > delivered) {
						var page = changes.after(delivered, PAGE);
						for (var change : page) {
							if (change.seq() > upTo) {
								break;
							}
							if (!sink.send(change)) {
								open = false;
								break;
							}
							delivered = change.seq();
							lastSent = System.nanoTime();
						}
						if (open && (page.size() < PAGE || page.get(page.size() - 1).seq() > upTo)) {
							// the numbers up to the horizon not in the log were given up
							delivered = upTo;
						}
						continue;
					}
					long idle = System.nanoTime() - lastSent;
					if (idle >= keepAlive.toNanos()) {
						open = sink.ping();
						lastSent = System.nanoTime();
						continue;
					}
					synchronized (advanced) {
						if (horizon <= delivered && running) {
							advanced.wait(Math.max(1, (keepAlive.toNanos() - idle) / 1_000_000));
						}
					}
				}
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			catch (RuntimeException ex) {
				log.warn("Sending entitlement changes to a follower failed; disconnecting it", ex);
			}
			finally {
				followers.remove(this);
				try {
					sink.close();
				}
				catch (RuntimeException ex) {
					log.debug("Closing an entitlement stream follower failed", ex);
				}
			}
		}

	}

	/**
	 * Reads changes above the horizon and moves it over every number seen, or missing for
	 * longer than {@link #GAP_TIMEOUT}. Package-visible for tests.
	 */
	void pump() {
		long now = System.nanoTime();
		long before = horizon;
		while (true) {
			long from = horizon;
			var read = changes.after(from, PAGE);
			long next = from;
			for (var change : read) {
				while (next + 1 < change.seq()) {
					long missing = ++next;
					long since = missingSince.computeIfAbsent(missing, seq -> now);
					if (now - since < GAP_TIMEOUT.toNanos()) {
						publish(before);
						return;
					}
					missingSince.remove(missing);
				}
				next = change.seq();
				missingSince.remove(next);
				horizon = next;
			}
			if (read.size() < PAGE) {
				break;
			}
		}
		publish(before);
	}

	private void publish(long before) {
		if (horizon != before) {
			synchronized (advanced) {
				advanced.notifyAll();
			}
		}
	}

	private void run() {
		long lastPrune = System.nanoTime() - PRUNE_EVERY.toNanos() + Duration.ofMinutes(1).toNanos();
		while (running) {
			try {
				pump();
				if (System.nanoTime() - lastPrune > PRUNE_EVERY.toNanos()) {
					lastPrune = System.nanoTime();
					int pruned = changes.prune(clock.instant().minus(retention));
					if (pruned > 0) {
						log.info("Pruned {} entitlement changes older than {}", pruned, retention);
					}
				}
			}
			catch (RuntimeException ex) {
				log.warn("Reading entitlement changes failed; retrying shortly", ex);
			}
			try {
				synchronized (wake) {
					if (!woken) {
						wake.wait((missingSince.isEmpty() ? poll : GAP_POLL).toMillis());
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

	private void wakeUp() {
		synchronized (wake) {
			woken = true;
			wake.notifyAll();
		}
	}

	@Override
	public void start() {
		horizon = changes.lastSeq();
		running = true;
		notices = bus.subscribe(EntitlementChanges.TOPIC, message -> wakeUp());
		var thread = new Thread(this::run, "plangate-entitlement-changes");
		thread.setDaemon(true);
		thread.start();
		reader = thread;
	}

	/**
	 * Ends every follower's connection, so that the web server's graceful shutdown does
	 * not wait for streams that would never end; SDKs reconnect and resume.
	 */
	@Override
	public void stop() {
		running = false;
		if (notices != null) {
			notices.close();
		}
		if (reader != null) {
			reader.interrupt();
		}
		synchronized (advanced) {
			advanced.notifyAll();
		}
		for (var follower : followers) {
			try {
				follower.sink.close();
			}
			catch (RuntimeException ex) {
				log.debug("Closing an entitlement stream follower failed", ex);
			}
		}
		senders.shutdownNow();
	}

	@Override
	public boolean isRunning() {
		return running;
	}

}

package dev.plangate.client;

import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.plangate.client.PlangateStatus.StreamState;
import tools.jackson.databind.JsonNode;

/**
 * Customers' entitlements held in memory and kept current by the server's entitlement
 * stream ({@code GET /v1/entitlements/stream}), for local evaluation.
 *
 * <p>
 * A customer's entitlements are read once ({@code GET /v1/customers/{id}/entitlements})
 * and dropped when the stream says they changed; the next question reads them again. They
 * are answered from only while the stream is {@link StreamState#LIVE} and was heard from
 * (a change or a keep-alive) within the staleness bound: otherwise the caller asks the
 * server. A cut stream is resumed after the last event received ({@code Last-Event-ID});
 * the server replays what was missed before it says {@code ready}, and tells a client
 * whose position it no longer knows to {@code reset}, which drops everything held.
 */
final class EntitlementCache implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(EntitlementCache.class);

	static final String PATH = "/v1/entitlements/stream";

	private record Entry(Entitlements entitlements, long[] lastUsed) {
	}

	private final Transport transport;

	private final LocalEvaluation settings;

	private final long boundNanos;

	private final Map<String, Entry> customers = new ConcurrentHashMap<>();

	/** Guards changes to {@link #customers} against a read begun before an event. */
	private final Object lock = new Object();

	/** Counted up by every event that drops something, and when the stream goes. */
	private long epoch;

	private volatile StreamState state = StreamState.CONNECTING;

	/** {@link System#nanoTime()} when the stream last said anything. */
	private volatile long lastHeardNanos;

	private volatile @Nullable Instant lastHeard;

	/** When the stream was last live, or the cache started. */
	private volatile long liveSinceNanos = System.nanoTime();

	private volatile @Nullable String lastEventId;

	/** When the connection attempt under way began; 0 once live or between attempts. */
	private volatile long attemptStartedNanos;

	private volatile @Nullable Stream<String> current;

	private volatile boolean closed;

	private final LongAdder localDecisions = new LongAdder();

	private final Thread reader;

	private final Thread watchdog;

	EntitlementCache(Transport transport, LocalEvaluation settings) {
		this.transport = transport;
		this.settings = settings;
		this.boundNanos = settings.stalenessBound().toNanos();
		this.reader = new Thread(this::read, "plangate-entitlement-stream");
		this.reader.setDaemon(true);
		this.watchdog = new Thread(this::watch, "plangate-entitlement-watchdog");
		this.watchdog.setDaemon(true);
		this.reader.start();
		this.watchdog.start();
	}

	/** Whether answers may come from memory now. */
	boolean usable() {
		return state == StreamState.LIVE && System.nanoTime() - lastHeardNanos <= boundNanos;
	}

	StreamState state() {
		var s = state;
		if (s == StreamState.LIVE && System.nanoTime() - lastHeardNanos > boundNanos) {
			return StreamState.DOWN;
		}
		return s;
	}

	@Nullable Instant lastStreamEvent() {
		return lastHeard;
	}

	long localDecisions() {
		return localDecisions.sum();
	}

	int size() {
		return customers.size();
	}

	/**
	 * The customer's entitlements from memory (read from the server first when not held),
	 * or null when they may not be answered locally now.
	 */
	@Nullable Entitlements entitlements(String customerId) {
		if (!usable()) {
			return null;
		}
		var entry = customers.get(customerId);
		if (entry != null) {
			entry.lastUsed()[0] = System.nanoTime();
			return entry.entitlements();
		}
		long before;
		synchronized (lock) {
			before = epoch;
		}
		var read = Transport.read(transport.get(customerPath(customerId) + "/entitlements"), Entitlements.class);
		synchronized (lock) {
			// a change told while reading may not be in what was read: not kept
			if (epoch == before && usable()) {
				customers.put(customerId, new Entry(read, new long[] { System.nanoTime() }));
				if (customers.size() > settings.maxCustomers()) {
					evictLeastRecentlyUsed();
				}
			}
		}
		return usable() ? read : null;
	}

	/**
	 * A switch or setting check answered in memory, or null when it must go to the server
	 * (the stream is not live, the feature is of another kind or unknown, the customer
	 * unknown).
	 */
	@Nullable Decision check(String customerId, String feature, long amount) {
		Entitlements held;
		try {
			held = entitlements(customerId);
		}
		catch (PlangateApiException ex) {
			// the server's check says it the way it says it
			return null;
		}
		if (held == null) {
			return null;
		}
		var e = held.feature(feature);
		if (e == null || !(e.kind().equals("switch") || e.kind().equals("setting"))) {
			return null;
		}
		localDecisions.increment();
		String code = switch (held.customerStatus()) {
			case "suspended" -> "customer_suspended";
			case "deleted" -> "subscription_inactive";
			default -> !held.active() ? "subscription_inactive" : !e.enabled() ? "feature_not_in_plan" : null;
		};
		if (code == null) {
			return new Decision(true, null, customerId, feature, e.kind(), amount, e.limit(), e.unlimited(), null, null,
					null, null, false, null, null, null, null, false, null, null);
		}
		boolean deleted = held.customerStatus().equals("deleted");
		return new Decision(false, code, customerId, feature, e.kind(), amount,
				deleted || e.unlimited() ? null : e.limit(), !deleted && e.unlimited(), null, null, null, null, false,
				null, null, null, null, false, null, null);
	}

	private void evictLeastRecentlyUsed() {
		int excess = customers.size() - settings.maxCustomers();
		if (excess <= 0) {
			return;
		}
		customers.entrySet()
			.stream()
			.sorted(Comparator.comparingLong(entry -> entry.getValue().lastUsed()[0]))
			.limit(Math.max(excess, settings.maxCustomers() / 10))
			.map(Map.Entry::getKey)
			.toList()
			.forEach(customers::remove);
	}

	private void drop(@Nullable String customerId) {
		synchronized (lock) {
			epoch++;
			if (customerId == null) {
				customers.clear();
			}
			else {
				customers.remove(customerId);
			}
		}
	}

	private void read() {
		int failures = 0;
		while (!closed) {
			attemptStartedNanos = System.nanoTime();
			try (var lines = transport.lines(PATH, lastEventId)) {
				current = lines;
				if (readEvents(lines)) {
					failures = 0;
				}
			}
			catch (AuthenticationException | PermissionDeniedException ex) {
				log.error("Plangate's entitlement stream refused this client ({}); answering from the server",
						ex.getMessage());
				failures = Math.max(failures, 5);
			}
			catch (RuntimeException ex) {
				if (closed) {
					return;
				}
				log.debug("Plangate's entitlement stream was cut, reconnecting: {}", ex.toString());
			}
			finally {
				current = null;
				attemptStartedNanos = 0;
			}
			left();
			if (closed) {
				return;
			}
			long max = settings.reconnectMax().toMillis();
			long wait = Math.min(max, settings.reconnectMin().toMillis() << Math.min(failures++, 20));
			try {
				// jitter over the upper half: reconnecting clients spread out
				Thread.sleep(wait / 2 + ThreadLocalRandom.current().nextLong(wait / 2 + 1));
			}
			catch (InterruptedException ex) {
				// the watchdog cutting a silent stream, or close()
				if (closed) {
					return;
				}
			}
		}
	}

	/** The stream ended: nothing is answered locally until it is ready again. */
	private void left() {
		synchronized (lock) {
			epoch++;
			if (state == StreamState.LIVE) {
				state = StreamState.CONNECTING;
			}
		}
	}

	/** Reads events until the stream ends; answers whether it became ready. */
	private boolean readEvents(Stream<String> lines) {
		var ready = new boolean[1];
		EventStreamReader.read(lines.iterator(), () -> closed, event -> {
			if (event.name() != null) {
				ready[0] |= apply(event.name(), event.id(),
						event.data().isEmpty() ? null : Transport.JSON.readTree(event.data()));
			}
			return false;
		});
		return ready[0];
	}

	/** Applies one event; answers whether it made the stream live. */
	private boolean apply(String name, @Nullable String id, @Nullable JsonNode data) {
		boolean live = false;
		switch (name) {
			case "entitlements.changed" -> {
				var customer = data == null ? null : data.path("customerId").asString(null);
				if (customer != null) {
					drop(customer);
				}
			}
			case "catalog.changed" -> drop(null);
			case "reset" -> {
				drop(null);
				live = true;
			}
			case "ready" -> {
				if (data == null || !data.path("resumed").asBoolean(false)) {
					drop(null);
				}
				live = true;
			}
			default -> {
				// ping, or an event this version does not know: heard from all the same
			}
		}
		if (id != null) {
			lastEventId = id;
		}
		heard();
		if (live) {
			synchronized (lock) {
				state = StreamState.LIVE;
				liveSinceNanos = System.nanoTime();
				attemptStartedNanos = 0;
			}
		}
		return live;
	}

	private void heard() {
		lastHeardNanos = System.nanoTime();
		lastHeard = Instant.now();
	}

	/**
	 * Marks the stream down once it has been silent past the bound (and cuts it, so that
	 * a connection that hangs without closing is replaced), and drops customers not asked
	 * about for the idle expiry.
	 */
	private void watch() {
		long tick = Math.max(10, Math.min(250, settings.stalenessBound().toMillis() / 10));
		long idleNanos = settings.idleExpiry().toNanos();
		long lastSweep = System.nanoTime();
		while (!closed) {
			try {
				Thread.sleep(tick);
			}
			catch (InterruptedException ex) {
				return;
			}
			long now = System.nanoTime();
			var s = state;
			if (s == StreamState.LIVE && now - lastHeardNanos > boundNanos) {
				log.warn("Plangate's entitlement stream was silent for more than {}; answering from the server",
						settings.stalenessBound());
				synchronized (lock) {
					state = StreamState.DOWN;
					liveSinceNanos = now;
				}
				var stream = current;
				if (stream != null) {
					stream.close();
				}
				reader.interrupt();
			}
			else if (s != StreamState.LIVE) {
				if (s == StreamState.CONNECTING && now - Math.max(liveSinceNanos, lastHeardNanos) > boundNanos) {
					synchronized (lock) {
						if (state == StreamState.CONNECTING) {
							state = StreamState.DOWN;
						}
					}
				}
				long attempt = attemptStartedNanos;
				if (attempt != 0 && now - attempt > boundNanos) {
					// a connection that neither answers nor fails is given up and tried
					// again
					attemptStartedNanos = 0;
					var stream = current;
					if (stream != null) {
						stream.close();
					}
					reader.interrupt();
				}
			}
			if (now - lastSweep > Math.min(idleNanos, 60_000_000_000L)) {
				lastSweep = now;
				customers.entrySet().removeIf(entry -> now - entry.getValue().lastUsed()[0] > idleNanos);
			}
		}
	}

	private static String customerPath(String customerId) {
		return "/v1/customers/" + Transport.encode(customerId);
	}

	@Override
	public void close() {
		closed = true;
		var stream = current;
		if (stream != null) {
			stream.close();
		}
		reader.interrupt();
		watchdog.interrupt();
		state = StreamState.OFF;
		customers.clear();
	}

}

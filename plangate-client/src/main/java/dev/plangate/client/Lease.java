package dev.plangate.client;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.JsonNode;

/**
 * One concurrency slot held for a customer (a job running, a connection open), from
 * {@link Plangate#lease}. While it is open a background heartbeat extends it, every third
 * of its TTL, so that it stays held however long the work takes; {@link #close()}
 * releases it. Should the process die, the heartbeats stop and the slot frees itself
 * within the TTL.
 *
 * <pre>{@code
 * try (var job = plangate.lease("acme", "concurrent_jobs")) {
 *     runTheJob();
 * } // released here
 * }</pre>
 */
public final class Lease implements AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(Lease.class);

	private final Transport transport;

	private final UUID id;

	private final String customerId;

	private final String feature;

	private final Duration ttl;

	private final @Nullable Long limit;

	private final @Nullable Integer heldAtStart;

	private volatile Instant expiresAt;

	private volatile boolean held = true;

	private final AtomicBoolean closed = new AtomicBoolean();

	private final ScheduledFuture<?> heartbeat;

	Lease(Transport transport, ScheduledExecutorService scheduler, JsonNode view, Duration ttl) {
		this.transport = transport;
		this.id = UUID.fromString(view.path("id").asString());
		this.customerId = view.path("customerId").asString();
		this.feature = view.path("feature").asString();
		this.expiresAt = Instant.parse(view.path("expiresAt").asString());
		this.limit = view.path("limit").isNumber() ? view.path("limit").asLong() : null;
		this.heldAtStart = view.path("held").isNumber() ? view.path("held").asInt() : null;
		this.ttl = ttl;
		long every = Math.max(100, ttl.toMillis() / 3);
		this.heartbeat = scheduler.scheduleWithFixedDelay(this::beat, every, every, TimeUnit.MILLISECONDS);
	}

	private void beat() {
		if (!held || closed.get()) {
			return;
		}
		try {
			var body = Transport.JSON.createObjectNode().put("ttlSeconds", ttl.toSeconds());
			var view = transport.send("POST", "/v1/leases/" + id + "/heartbeat", body);
			expiresAt = Instant.parse(view.path("expiresAt").asString());
		}
		catch (NotFoundException ex) {
			// expired before this heartbeat came (the process stalled, or Plangate was
			// unreachable for a whole TTL): the slot may be someone else's now
			held = false;
			heartbeat.cancel(false);
			log.warn("Lease {} of '{}' for customer '{}' expired before its heartbeat: it is no longer held", id,
					feature, customerId);
		}
		catch (RuntimeException ex) {
			log.warn("Heartbeat of lease {} failed; trying again before it expires at {}: {}", id, expiresAt,
					ex.toString());
		}
	}

	/** The lease's id. */
	public UUID id() {
		return id;
	}

	public String customerId() {
		return customerId;
	}

	public String feature() {
		return feature;
	}

	/**
	 * When the slot frees itself unless heartbeats extend it: the latest the server said.
	 */
	public Instant expiresAt() {
		return expiresAt;
	}

	/** The customer's limit of the feature, when it was acquired. */
	public @Nullable Long limit() {
		return limit;
	}

	/** How many slots the customer held, this one included, when it was acquired. */
	public @Nullable Integer heldAtStart() {
		return heldAtStart;
	}

	/**
	 * Whether the slot is still held: false once closed, or once a heartbeat found it
	 * expired.
	 */
	public boolean isHeld() {
		return held && !closed.get();
	}

	/**
	 * Stops the heartbeat and releases the slot. Releasing a slot that has expired is no
	 * error; if Plangate cannot be reached the failure is logged, not thrown, and the
	 * slot frees itself within its TTL. Closing again does nothing.
	 */
	@Override
	public void close() {
		if (!closed.compareAndSet(false, true)) {
			return;
		}
		heartbeat.cancel(false);
		if (!held) {
			return;
		}
		held = false;
		try {
			transport.send("DELETE", "/v1/leases/" + id, null);
		}
		catch (NotFoundException ex) {
			// expired meanwhile: nothing left to release
		}
		catch (RuntimeException ex) {
			log.warn("Releasing lease {} failed; it frees itself at {}: {}", id, expiresAt, ex.toString());
		}
	}

}

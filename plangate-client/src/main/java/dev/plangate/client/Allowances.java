package dev.plangate.client;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.node.ObjectNode;

/**
 * Consumes of quota features answered in this process, from allowance blocks reserved
 * from the server ({@code POST /v1/allowances}). Get it from
 * {@link Plangate#allowances()}.
 * <p>
 * <b>The guarantee: never more than the quota.</b> The server counts a block as used when
 * it reserves it, before any unit of it is spent here, and grants no more than the
 * period's allowance has left; this client spends a block's units at most once and never
 * after the block's expiry. So across any number of clients and server nodes, no more
 * units are admitted than the quota holds. The price is under-admission near the limit:
 * units another client holds in its block are refused here until it spends them or gives
 * them back (on {@link Plangate#close()}, after {@link Plangate.Builder#allowanceIdle} of
 * disuse, or when its block is replaced); a block never given back (its process died)
 * stays used.
 * <p>
 * One block is held per customer and feature. Its size follows the rate of use (about
 * {@link Plangate.Builder#allowanceWindow}'s worth, at most
 * {@link Plangate.Builder#allowanceMaxBlock}) and shrinks near the limit: a reservation
 * asks for at most an eighth of what the server last said was left, so that other clients
 * still find units. One reservation per customer and feature is in flight at a time;
 * other callers wait for it.
 * <p>
 * What blocks do not cover is decided by the server as {@link Plangate#consume} would:
 * features of other kinds, a soft limit's overage and grants beyond the plan's allowance
 * (a block is cut from the allowance only). When the server refuses a block, this client
 * asks it for the consume itself; its refusal is then answered here, without asking
 * again, for {@link Plangate.Builder#allowanceIdle}. Consumes through blocks carry no
 * idempotency key or properties: the ledger records the blocks, not each use.
 */
public final class Allowances {

	private static final Logger log = LoggerFactory.getLogger(Allowances.class);

	/** A new key's first block, before any rate is known. */
	private static final long FIRST_BLOCK = 16;

	/** A reservation asks for at most this share of what the server said was left. */
	private static final long SHARE_OF_REMAINING = 8;

	private final Plangate plangate;

	private final Transport transport;

	private final LongAdder localDecisions;

	private final long maxBlock;

	private final long windowNanos;

	private final long idleNanos;

	private final ConcurrentHashMap<String, ConcurrentHashMap<String, Holder>> holders = new ConcurrentHashMap<>();

	private final ScheduledExecutorService sweeper;

	private final ExecutorService returns;

	private volatile boolean closed;

	Allowances(Plangate plangate, Transport transport, LongAdder localDecisions, long maxBlock, Duration window,
			Duration idle) {
		this.plangate = plangate;
		this.transport = transport;
		this.localDecisions = localDecisions;
		this.maxBlock = maxBlock;
		this.windowNanos = window.toNanos();
		this.idleNanos = idle.toNanos();
		this.sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
			var thread = new Thread(runnable, "plangate-allowance-sweeper");
			thread.setDaemon(true);
			return thread;
		});
		this.returns = Executors.newSingleThreadExecutor(runnable -> {
			var thread = new Thread(runnable, "plangate-allowance-return");
			thread.setDaemon(true);
			return thread;
		});
		long every = Math.max(1, idleNanos / 2);
		sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.NANOSECONDS);
	}

	/** {@link #consume(String, String, long)} of one unit. */
	public void consume(String customerId, String feature) {
		consume(customerId, feature, 1);
	}

	/**
	 * Consumes {@code amount} of a quota from this process's block, reserving the next
	 * block when it runs out.
	 * @throws RefusedException when refused, typed by its code
	 * ({@link QuotaExceededException} with the server's limit, usage, reset and upgrade
	 * plan)
	 * @throws PlangateConnectionException when a block was needed and the server could
	 * not be reached: nothing was consumed
	 */
	public void consume(String customerId, String feature, long amount) {
		var refusal = decide(customerId, feature, amount);
		if (refusal != null) {
			throw again(refusal);
		}
	}

	/**
	 * {@link #consume(String, String, long)}, answering a refusal as {@code false} rather
	 * than throwing it. Other failures are still thrown.
	 */
	public boolean tryConsume(String customerId, String feature, long amount) {
		return decide(customerId, feature, amount) == null;
	}

	/** {@link #tryConsume(String, String, long)} of one unit. */
	public boolean tryConsume(String customerId, String feature) {
		return tryConsume(customerId, feature, 1);
	}

	/**
	 * The units of a customer's feature held here, unspent: what this process may still
	 * admit without asking the server.
	 */
	public long held(String customerId, String feature) {
		var features = holders.get(customerId);
		var h = features == null ? null : features.get(feature);
		var b = h == null ? null : h.block;
		return b == null ? 0 : Math.max(0, b.left.get());
	}

	/** Null when admitted; the refusal otherwise. */
	private @Nullable RefusedException decide(String customerId, String feature, long amount) {
		if (amount < 1) {
			throw new IllegalArgumentException("amount must be at least 1, not " + amount);
		}
		var h = holder(Objects.requireNonNull(customerId, "customerId"), Objects.requireNonNull(feature, "feature"));
		var b = h.block;
		if (b != null && b.take(amount)) {
			localDecisions.increment();
			return null;
		}
		return slow(h, amount);
	}

	private Holder holder(String customerId, String feature) {
		var features = holders.get(customerId);
		if (features == null) {
			features = holders.computeIfAbsent(customerId, c -> new ConcurrentHashMap<>());
		}
		var h = features.get(feature);
		return h != null ? h : features.computeIfAbsent(feature, f -> new Holder(customerId, f));
	}

	/** The current block could not answer: reserve the next, or ask the server. */
	private @Nullable RefusedException slow(Holder h, long amount) {
		if (closed) {
			throw new IllegalStateException("The Plangate client is closed");
		}
		boolean direct;
		h.lock.lock();
		try {
			var b = h.block;
			if (b != null && b.take(amount)) {
				localDecisions.increment();
				return null;
			}
			long now = System.nanoTime();
			if (h.refusal != null && now - h.refusedAt < idleNanos) {
				localDecisions.increment();
				return h.refusal;
			}
			h.refusal = null;
			direct = h.direct || (h.directSince != 0 && now - h.directSince < idleNanos);
			if (!direct) {
				if (b != null) {
					h.block = null;
					retire(h, b);
				}
				try {
					var block = reserve(h, h.nextSize(amount, now, maxBlock, windowNanos));
					h.block = block;
					if (block.take(amount)) {
						localDecisions.increment();
						return null;
					}
					// the server had less left than this consume needs
					localDecisions.increment();
					return tooLittle(h, amount, block);
				}
				catch (RefusedException ex) {
					direct = true;
				}
				catch (ValidationException ex) {
					if (!"feature_kind_not_supported".equals(ex.code())) {
						throw ex;
					}
					// not a quota: consume decides it, every time
					h.direct = true;
					direct = true;
				}
			}
		}
		finally {
			h.lock.unlock();
		}
		// the server decides: a kind blocks do not serve, grants, overage, or nothing
		// left
		var decision = plangate.tryConsume(Consume.of(h.customerId, h.feature).withAmount(amount));
		if (decision.allowed()) {
			if (!h.direct) {
				h.directSince = System.nanoTime();
			}
			return null;
		}
		var refusal = refusalOf(decision);
		h.lock.lock();
		try {
			h.directSince = 0;
			h.refusal = refusal;
			h.refusedAt = System.nanoTime();
		}
		finally {
			h.lock.unlock();
		}
		return refusal;
	}

	/** Reserves a block of up to {@code wanted} units. */
	private Block reserve(Holder h, long wanted) {
		var body = Transport.JSON.createObjectNode()
			.put("customerId", h.customerId)
			.put("feature", h.feature)
			.put("amount", wanted);
		long sent = System.nanoTime();
		var answer = transport.send("POST", "/v1/allowances", body, UUID.randomUUID().toString());
		var reservedAt = Instant.parse(answer.path("reservedAt").asString());
		var expiresAt = Instant.parse(answer.path("expiresAt").asString());
		// the block's life as the server measures it, counted from before it was asked
		// for, so this process stops spending it before the server expires it
		long life = Duration.between(reservedAt, expiresAt).toNanos();
		var remaining = answer.path("remaining");
		h.remaining = remaining.isNumber() ? remaining.asLong() : -1;
		h.limit = answer.path("limit").isNumber() ? answer.path("limit").asLong() : null;
		h.resetsAt = answer.path("resetsAt").isString() ? Instant.parse(answer.path("resetsAt").asString()) : null;
		long granted = answer.path("granted").asLong();
		h.blockStart = sent;
		h.lastGranted = granted;
		return new Block(UUID.fromString(answer.path("id").asString()), granted, sent + life);
	}

	/**
	 * Gives a block's unspent units back in the background; the block was taken out of
	 * use, so no unit of it is spent after they are counted.
	 */
	private void retire(Holder h, Block b) {
		long left = b.left.getAndSet(0);
		if (left > 0) {
			try {
				returns.execute(() -> giveBack(h, b, left));
			}
			catch (RejectedExecutionException ex) {
				// closing: give it back here
				giveBack(h, b, left);
			}
		}
	}

	private void giveBack(Holder h, Block b, long unspent) {
		var body = Transport.JSON.createObjectNode().put("customerId", h.customerId).put("unspent", unspent);
		try {
			transport.send("POST", "/v1/allowances/" + b.id + "/return", body, UUID.randomUUID().toString());
		}
		catch (PlangateException ex) {
			// the units stay used on the server until the period ends: never more than
			// the
			// quota, some less
			log.warn("Could not give back {} unspent units of '{}' for '{}' (block {}): {}", unspent, h.feature,
					h.customerId, b.id, ex.getMessage());
		}
	}

	/** Gives back blocks unused for the idle time. */
	private void sweep() {
		long now = System.nanoTime();
		for (var features : holders.values()) {
			for (var h : features.values()) {
				var b = h.block;
				if (b == null) {
					continue;
				}
				long left = b.left.get();
				if (left != h.seenLeft || b != h.seenBlock) {
					h.seenLeft = left;
					h.seenBlock = b;
					h.seenAt = now;
					continue;
				}
				if (now - h.seenAt >= idleNanos && h.lock.tryLock()) {
					try {
						if (h.block == b) {
							h.block = null;
							h.blockStart = 0;
							retire(h, b);
						}
					}
					finally {
						h.lock.unlock();
					}
				}
			}
		}
	}

	/** Gives every block back and stops; waits up to {@code timeout} for the server. */
	void close(Duration timeout) {
		closed = true;
		sweeper.shutdownNow();
		long now = System.nanoTime();
		for (var features : holders.values()) {
			for (var h : features.values()) {
				h.lock.lock();
				try {
					var b = h.block;
					if (b != null) {
						h.block = null;
						retire(h, b);
					}
				}
				finally {
					h.lock.unlock();
				}
			}
		}
		returns.shutdown();
		try {
			if (!returns.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				log.warn("Unspent allowance blocks were not all given back within {}", timeout);
				returns.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** A refusal built here when the block granted less than the consume needs. */
	private static RefusedException tooLittle(Holder h, long amount, Block block) {
		var problem = Transport.JSON.createObjectNode()
			.put("code", "quota_exceeded")
			.put("allowed", false)
			.put("customerId", h.customerId)
			.put("feature", h.feature)
			.put("amount", amount)
			.put("remaining", Math.max(0, h.remaining) + block.left.get())
			.put("detail", "Customer '" + h.customerId + "' has less than " + amount + " '" + h.feature + "' left");
		if (h.limit != null) {
			problem.put("limit", h.limit).put("used", h.limit - Math.max(0, h.remaining) - block.left.get());
		}
		if (h.resetsAt != null) {
			problem.put("resetsAt", h.resetsAt.toString());
		}
		return (RefusedException) Transport.problem(402, problem, problem.toString(), NO_HEADERS);
	}

	private static RefusedException refusalOf(Decision d) {
		var problem = Transport.JSON.createObjectNode()
			.put("code", d.code())
			.put("allowed", false)
			.put("customerId", d.customerId())
			.put("feature", d.feature())
			.put("amount", d.amount());
		putIfPresent(problem, "limit", d.limit());
		putIfPresent(problem, "used", d.used());
		putIfPresent(problem, "remaining", d.remaining());
		putIfPresent(problem, "retryAfter", d.retryAfterSeconds());
		putIfPresent(problem, "grantsRemaining", d.grantsRemaining());
		putIfPresent(problem, "overageCap", d.overageCap());
		if (d.resetsAt() != null) {
			problem.put("resetsAt", d.resetsAt().toString());
		}
		if (d.upgradePlan() != null) {
			problem.put("upgradePlan", d.upgradePlan());
		}
		var status = switch (Objects.requireNonNull(d.code())) {
			case "customer_suspended" -> 403;
			case "rate_limited", "concurrency_limit_reached" -> 429;
			default -> 402;
		};
		return (RefusedException) Transport.problem(status, problem, problem.toString(), NO_HEADERS);
	}

	private static void putIfPresent(ObjectNode node, String name, @Nullable Long value) {
		if (value != null) {
			node.put(name, value);
		}
	}

	/** A refusal of its own for each caller that gets it. */
	private static RefusedException again(RefusedException refusal) {
		return (RefusedException) Transport.problem(refusal.status(), refusal.problem(), refusal.problem().toString(),
				NO_HEADERS);
	}

	private static final HttpHeaders NO_HEADERS = HttpHeaders.of(Map.of(), (name, value) -> true);

	/** One customer's feature: its block, and what the last reservation taught. */
	private static final class Holder {

		final String customerId;

		final String feature;

		final ReentrantLock lock = new ReentrantLock();

		volatile @Nullable Block block;

		/** Not a quota: consume decides every time. */
		volatile boolean direct;

		/**
		 * When consume last admitted what a block could not (grants, overage); 0 when it
		 * has not lately.
		 */
		volatile long directSince;

		volatile @Nullable RefusedException refusal;

		volatile long refusedAt;

		// guarded by lock
		long remaining = -1;

		@Nullable Long limit;

		@Nullable Instant resetsAt;

		long blockStart;

		long lastGranted;

		// the sweeper's own
		long seenLeft = -1;

		@Nullable Block seenBlock;

		long seenAt;

		Holder(String customerId, String feature) {
			this.customerId = customerId;
			this.feature = feature;
		}

		/**
		 * The next block's size: the last block's rate of use over the window, at most an
		 * eighth of what was left, at least {@code amount}.
		 */
		long nextSize(long amount, long now, long maxBlock, long windowNanos) {
			long size;
			if (blockStart == 0) {
				size = FIRST_BLOCK;
			}
			else {
				double elapsed = Math.max(1_000_000, now - blockStart);
				size = (long) Math.min((double) maxBlock, lastGranted * (windowNanos / elapsed));
			}
			if (remaining >= 0) {
				size = Math.min(size, remaining / SHARE_OF_REMAINING);
			}
			return Math.max(amount, Math.max(1, Math.min(size, maxBlock)));
		}

	}

	/** A block being spent: what is left of it, until its deadline. */
	private static final class Block {

		final UUID id;

		final long granted;

		final long deadline;

		final AtomicLong left;

		Block(UUID id, long granted, long deadline) {
			this.id = id;
			this.granted = granted;
			this.deadline = deadline;
			this.left = new AtomicLong(granted);
		}

		boolean take(long amount) {
			if (System.nanoTime() - deadline >= 0) {
				return false;
			}
			while (true) {
				long l = left.get();
				if (l < amount) {
					return false;
				}
				if (left.compareAndSet(l, l - amount)) {
					return true;
				}
			}
		}

	}

}

package dev.plangate.client;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.plangate.client.Transport.Query;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Plangate client for a product's backend, holding a server key: customers,
 * subscriptions, entitlements, {@link #check} and {@link #consume}, usage {@link #track
 * tracking}, concurrency {@link #lease leases}, grants and batches; {@link #reports()}
 * for usage history, alerts, the event log and webhook endpoints, and {@link #worker} for
 * the worker runner. One instance per application, shared by every thread: it keeps its
 * connections, a buffer of tracked events and a thread sending them; {@link #close()} it
 * (or let the JVM's shutdown do it) so that what was tracked is sent.
 * <p>
 * Every call is one request, retried on safe failures per the {@link RetryPolicy}, a
 * mutating one with the same {@code Idempotency-Key} on each attempt so that a retry is
 * never applied twice. Failures are unchecked {@link PlangateException}s: the server's
 * answers typed by their code ({@link QuotaExceededException}, {@link NotFoundException},
 * …), an unreachable server as {@link PlangateConnectionException}.
 *
 * <pre>{@code
 * var plangate = Plangate.builder("http://localhost:8080", System.getenv("PLANGATE_KEY")).build();
 * if (plangate.check("acme", "advanced_analytics").allowed()) { … }
 * plangate.consume("acme", "api_calls");            // throws QuotaExceededException when spent
 * plangate.track("acme", "storage_gb", 3);           // buffered, sent in the background
 * try (var job = plangate.lease("acme", "concurrent_jobs")) { … }
 * }</pre>
 */
public final class Plangate implements AutoCloseable {

	static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

	static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

	private static final Logger log = LoggerFactory.getLogger(Plangate.class);

	private final Transport transport;

	private final Tracker tracker;

	private final ScheduledExecutorService heartbeats;

	private final PlangateClient reports;

	private final Duration closeTimeout;

	private final @Nullable Thread shutdownHook;

	private volatile boolean closed;

	private final LongAdder remoteDecisions = new LongAdder();

	private final LongAdder localDecisions = new LongAdder();

	private final long allowanceMaxBlock;

	private final Duration allowanceWindow;

	private final Duration allowanceIdle;

	private volatile @Nullable Allowances allowances;

	private final @Nullable EntitlementCache local;

	private Plangate(Builder b) {
		this.transport = new Transport(b.baseUrl, b.serverKey, b.connectTimeout, b.requestTimeout, b.retryPolicy);
		this.local = b.localEvaluation == null ? null : new EntitlementCache(transport, b.localEvaluation);
		this.tracker = new Tracker(transport, b.trackBufferSize, b.trackBatchSize, b.trackFlushInterval,
				b.trackBlockTimeout, b.retryPolicy, b.trackFailureHandler, b.trackSenders);
		this.heartbeats = Executors.newScheduledThreadPool(2, runnable -> {
			var thread = new Thread(runnable, "plangate-lease-heartbeat");
			thread.setDaemon(true);
			return thread;
		});
		this.reports = new PlangateClient(transport);
		this.closeTimeout = b.closeTimeout;
		this.allowanceMaxBlock = b.allowanceMaxBlock;
		this.allowanceWindow = b.allowanceWindow;
		this.allowanceIdle = b.allowanceIdle;
		if (b.shutdownHook) {
			this.shutdownHook = new Thread(this::closeOnShutdown, "plangate-shutdown");
			Runtime.getRuntime().addShutdownHook(shutdownHook);
		}
		else {
			this.shutdownHook = null;
		}
	}

	/**
	 * A builder of a client of the server at {@code baseUrl}
	 * ({@code http://localhost:8080}) with a server key ({@code pg_sk_…}).
	 */
	public static Builder builder(String baseUrl, String serverKey) {
		return builder(URI.create(Objects.requireNonNull(baseUrl, "baseUrl")), serverKey);
	}

	/** A builder of a client of the server at {@code baseUrl} with a server key. */
	public static Builder builder(URI baseUrl, String serverKey) {
		return new Builder(baseUrl, serverKey);
	}

	// customers

	/**
	 * Creates the customer with the product's own id, or changes it ({@code PUT
	 * /v1/customers/{id}}); a new customer is subscribed to the catalog's default plan.
	 */
	public Customer upsertCustomer(String customerId, CustomerChanges changes) {
		var body = Transport.JSON.createObjectNode();
		putIfPresent(body, "kind", changes.kind());
		putIfPresent(body, "name", changes.name());
		putIfPresent(body, "email", changes.email());
		putIfPresent(body, "region", changes.region());
		if (changes.metadata() != null) {
			body.set("metadata", Transport.JSON.valueToTree(changes.metadata()));
		}
		return Transport.read(transport.send("PUT", customerPath(customerId), body), Customer.class);
	}

	/**
	 * One customer: {@link NotFoundException} ({@code customer_not_found}) if unknown.
	 */
	public Customer customer(String customerId) {
		return Transport.read(transport.get(customerPath(customerId)), Customer.class);
	}

	/**
	 * Customers in id order.
	 * @param search searches id, name and email; all when absent
	 * @param cursor a page's {@code nextCursor}, to read on
	 * @param limit 1 to 200
	 */
	public Page<Customer> customers(@Nullable String search, @Nullable String cursor, int limit) {
		var query = new Query().add("q", search).add("cursor", cursor).add("limit", limit);
		return Transport.page(transport.get("/v1/customers" + query), Customer.class);
	}

	/**
	 * Suspends a customer: its checks and consumes are refused
	 * {@code customer_suspended}.
	 */
	public Customer suspendCustomer(String customerId) {
		return Transport.read(transport.send("POST", customerPath(customerId) + "/suspend", null), Customer.class);
	}

	/** Ends a customer's suspension. */
	public Customer activateCustomer(String customerId) {
		return Transport.read(transport.send("POST", customerPath(customerId) + "/activate", null), Customer.class);
	}

	/** Deletes a customer (its history stays); answers it as it is now. */
	public Customer deleteCustomer(String customerId) {
		return Transport.read(transport.send("DELETE", customerPath(customerId), null), Customer.class);
	}

	// subscriptions and entitlements

	/** A customer's subscription with its plan. */
	public Subscription subscription(String customerId) {
		return Transport.read(transport.get(customerPath(customerId) + "/subscription"), Subscription.class);
	}

	/**
	 * Changes the customer's plan, now or at the period's end ({@code POST
	 * /v1/customers/{id}/subscription}). A customer holding more than the new plan
	 * allows: {@link ConflictException} {@code downgrade_blocked}, unless forced; an
	 * unknown plan: {@link ValidationException} {@code unknown_plan}.
	 */
	public Subscription changePlan(String customerId, PlanChange change) {
		var body = Transport.JSON.createObjectNode().put("plan", change.plan());
		putIfPresent(body, "when", change.when());
		if (change.force()) {
			body.put("force", true);
		}
		return Transport.read(transport.send("POST", customerPath(customerId) + "/subscription", body),
				Subscription.class);
	}

	/** What {@link #changePlan} would do, changing nothing ({@code force} is ignored). */
	public ChangePreview previewPlanChange(String customerId, PlanChange change) {
		var query = new Query().add("plan", change.plan()).add("when", change.when());
		return Transport.read(transport.get(customerPath(customerId) + "/subscription/preview" + query),
				ChangePreview.class);
	}

	/**
	 * Cancels the subscription: at the end of the current period, or at once; either way
	 * the customer returns to the default plan. On the default plan:
	 * {@link ConflictException} {@code subscription_not_cancelable}.
	 */
	public Subscription cancelSubscription(String customerId, boolean immediately) {
		return Transport.read(
				transport.send("DELETE", customerPath(customerId) + "/subscription?immediately=" + immediately, null),
				Subscription.class);
	}

	/** Takes back a cancellation scheduled for the period's end. */
	public Subscription resumeSubscription(String customerId) {
		return Transport.read(transport.send("POST", customerPath(customerId) + "/subscription/resume", null),
				Subscription.class);
	}

	/**
	 * Every feature's effective value for the customer: the one call to cache. With
	 * {@link Builder#localEvaluation local evaluation} on and its stream live, answered
	 * from memory (read from the server the first time, and again after each change).
	 */
	public Entitlements entitlements(String customerId) {
		Objects.requireNonNull(customerId, "customerId");
		if (local != null) {
			var held = local.entitlements(customerId);
			if (held != null) {
				return held;
			}
		}
		return Transport.read(transport.get(customerPath(customerId) + "/entitlements"), Entitlements.class);
	}

	/**
	 * How many customers' entitlements are held in memory (0 with local evaluation off).
	 */
	int cachedCustomers() {
		return local == null ? 0 : local.size();
	}

	/**
	 * A setting feature's value for the customer (its override, else its plan's, else the
	 * feature's default), from {@link #entitlements}; empty when the feature has none or
	 * is not a setting. Answered from memory like {@link #entitlements}.
	 */
	public Optional<String> setting(String customerId, String feature) {
		var entitlement = entitlements(customerId).feature(Objects.requireNonNull(feature, "feature"));
		return entitlement == null || !entitlement.kind().equals("setting") ? Optional.empty()
				: Optional.ofNullable(entitlement.value());
	}

	// enforcement

	/** {@link #check(String, String, long)} for an amount of 1. */
	public Decision check(String customerId, String feature) {
		return check(customerId, feature, 1);
	}

	/**
	 * Would {@code amount} of the feature be allowed now? Changes nothing, and answers a
	 * refusal as a decision, not an exception: {@code allowed} false with its
	 * {@code code}, limit, usage, reset time and the plan that would allow it. An unknown
	 * customer or feature is a {@link NotFoundException}.
	 * <p>
	 * With {@link Builder#localEvaluation local evaluation} on and its stream live, a
	 * switch or setting feature is answered in this process (a local refusal does not
	 * name an {@code upgradePlan}); quotas, rates and everything while the stream is not
	 * live ask the server.
	 */
	public Decision check(String customerId, String feature, long amount) {
		if (local != null) {
			var decision = local.check(Objects.requireNonNull(customerId, "customerId"),
					Objects.requireNonNull(feature, "feature"), amount);
			if (decision != null) {
				return decision;
			}
		}
		var body = Transport.JSON.createObjectNode()
			.put("customerId", Objects.requireNonNull(customerId, "customerId"))
			.put("feature", Objects.requireNonNull(feature, "feature"))
			.put("amount", amount);
		var decision = Transport.decision(transport.ask("/v1/check", body), null);
		remoteDecisions.increment();
		return decision;
	}

	/** {@link #consume(Consume)} of one unit. */
	public Decision consume(String customerId, String feature) {
		return consume(Consume.of(customerId, feature));
	}

	/** {@link #consume(Consume)} of {@code amount}. */
	public Decision consume(String customerId, String feature, long amount) {
		return consume(Consume.of(customerId, feature).withAmount(amount));
	}

	/**
	 * Checks and records atomically: a quota's amount is admitted only if the period's
	 * usage stays within the limit, and is then in the ledger; a rate's is taken from the
	 * customer's allowance. Answers the decision when admitted; a refusal is thrown,
	 * typed by its code: {@link QuotaExceededException}, {@link RateLimitedException},
	 * {@link FeatureNotInPlanException}, {@link SubscriptionInactiveException},
	 * {@link CustomerSuspendedException} (all {@link RefusedException}s). Use
	 * {@link #tryConsume} to get a refusal as a decision instead.
	 * <p>
	 * Every attempt carries the consume's idempotency key, so a retry after a lost answer
	 * gets the first answer ({@code duplicate} true) and is not counted twice. Rate
	 * decisions are not deduplicated by the server: a retried rate consume may take two
	 * requests' worth.
	 */
	public Decision consume(Consume consume) {
		var body = Transport.JSON.createObjectNode()
			.put("customerId", consume.customerId())
			.put("feature", consume.feature())
			.put("amount", consume.amount());
		if (!consume.properties().isEmpty()) {
			body.set("properties", Transport.JSON.valueToTree(consume.properties()));
		}
		var key = consume.idempotencyKey() == null ? UUID.randomUUID().toString() : consume.idempotencyKey();
		remoteDecisions.increment();
		return Transport.decision(transport.send("POST", "/v1/consume", body, key), null);
	}

	/**
	 * {@link #consume(Consume)}, answering a refusal as a decision ({@code allowed}
	 * false, with its code and figures) rather than throwing it. Other failures are still
	 * thrown.
	 */
	public Decision tryConsume(Consume consume) {
		try {
			return consume(consume);
		}
		catch (RefusedException ex) {
			return ex.decision();
		}
	}

	// usage events

	/** {@link #track(UsageEvent)} of {@code amount} of the feature, now. */
	public void track(String customerId, String feature, long amount) {
		track(UsageEvent.of(customerId, feature, amount));
	}

	/**
	 * Reports usage that already happened (no limit is applied), asynchronously: the
	 * event joins a bounded buffer and is sent in the background with others, in requests
	 * of up to {@link Builder#trackBatchSize} events, at least every
	 * {@link Builder#trackFlushInterval}. A failed request is retried (each event's id
	 * keeps it from counting twice) until it is recorded; {@link #flush} waits for it,
	 * {@link #close()} and the JVM's shutdown send what is left.
	 * <p>
	 * When the buffer is full (Plangate unreachable, or slower than the product), the
	 * call waits up to {@link Builder#trackBlockTimeout} for room, then throws
	 * {@link TrackBufferFullException}: the event was not taken. An event that returned
	 * normally is recorded, or handed to the {@link TrackFailureHandler} if the server
	 * refuses it (an unknown customer or feature) or close ran out of time: it is never
	 * dropped silently.
	 * @throws IllegalStateException once the client is closed
	 */
	public void track(UsageEvent event) {
		tracker.track(Objects.requireNonNull(event, "event"));
	}

	/**
	 * Waits until every event tracked before this call has been recorded (or handed to
	 * the failure handler).
	 * @return false when {@code timeout} passed first
	 */
	public boolean flush(Duration timeout) throws InterruptedException {
		return tracker.flush(timeout);
	}

	/** Tracked events not yet recorded (or handed to the failure handler). */
	public long pendingEvents() {
		return tracker.pending();
	}

	/** How this client is doing: for a health check or metrics. */
	public PlangateStatus status() {
		if (local != null) {
			return new PlangateStatus(local.state(), local.lastStreamEvent(), remoteDecisions.sum(),
					local.localDecisions() + localDecisions.sum(), tracker.pending(), tracker.failed());
		}
		return new PlangateStatus(PlangateStatus.StreamState.OFF, null, remoteDecisions.sum(), localDecisions.sum(),
				tracker.pending(), tracker.failed());
	}

	/**
	 * Consumes of quotas answered in this process from allowance blocks, with no round
	 * trip per consume and never more than the quota across any number of clients and
	 * nodes: see {@link Allowances}. Its unspent blocks are given back on
	 * {@link #close()}.
	 */
	public Allowances allowances() {
		var made = allowances;
		if (made != null) {
			return made;
		}
		synchronized (this) {
			if (closed) {
				throw new IllegalStateException("The Plangate client is closed");
			}
			if (allowances == null) {
				allowances = new Allowances(this, transport, localDecisions, allowanceMaxBlock, allowanceWindow,
						allowanceIdle);
			}
			return allowances;
		}
	}

	// leases

	/** {@link #lease(String, String, Duration)} with the server's TTL (60 s). */
	public Lease lease(String customerId, String feature) {
		return lease(customerId, feature, Duration.ofSeconds(60));
	}

	/**
	 * Takes a concurrency slot, held until the lease is closed: heartbeats every third of
	 * {@code ttl} keep it, and it frees itself within {@code ttl} if the process dies.
	 * All slots held: {@link ConcurrencyLimitReachedException}, whose {@code retryAfter}
	 * says when the soonest lease expires.
	 * @param ttl 1 s to 24 h, whole seconds
	 */
	public Lease lease(String customerId, String feature, Duration ttl) {
		if (ttl.toSeconds() < 1 || ttl.toSeconds() > 86_400) {
			throw new IllegalArgumentException("ttl must be 1 s to 24 h, not " + ttl);
		}
		var body = Transport.JSON.createObjectNode()
			.put("customerId", Objects.requireNonNull(customerId, "customerId"))
			.put("feature", Objects.requireNonNull(feature, "feature"))
			.put("ttlSeconds", ttl.toSeconds());
		var view = transport.send("POST", "/v1/leases", body);
		return new Lease(transport, heartbeats, view, Duration.ofSeconds(ttl.toSeconds()));
	}

	/**
	 * {@link #lease(String, String, Duration)}, answering empty rather than throwing when
	 * all slots are held.
	 */
	public Optional<Lease> tryLease(String customerId, String feature, Duration ttl) {
		try {
			return Optional.of(lease(customerId, feature, ttl));
		}
		catch (ConcurrencyLimitReachedException ex) {
			return Optional.empty();
		}
	}

	// grants

	/**
	 * Gives the customer an extra amount of a per-period quota, drawn once the plan's
	 * allowance is spent.
	 */
	public Grant grant(String customerId, NewGrant grant) {
		var body = Transport.JSON.createObjectNode().put("feature", grant.feature()).put("amount", grant.amount());
		putIfPresent(body, "reason", grant.reason());
		if (grant.startsAt() != null) {
			body.put("startsAt", grant.startsAt().toString());
		}
		if (grant.expiresAt() != null) {
			body.put("expiresAt", grant.expiresAt().toString());
		}
		return Transport.read(transport.send("POST", customerPath(customerId) + "/grants", body), Grant.class);
	}

	/**
	 * The customer's grants, newest first, whatever their status.
	 * @param feature one feature's; all when absent
	 */
	public List<Grant> grants(String customerId, @Nullable String feature) {
		var query = new Query().add("feature", feature);
		return Transport.list(transport.get(customerPath(customerId) + "/grants" + query).path("data"), Grant.class);
	}

	/** One grant: {@link NotFoundException} if unknown. */
	public Grant grant(String customerId, UUID grantId) {
		return Transport.read(transport.get(customerPath(customerId) + "/grants/" + grantId), Grant.class);
	}

	/**
	 * Revokes a grant: what remains can no longer be drawn. Revoked before:
	 * {@link ConflictException} {@code grant_revoked}.
	 */
	public Grant revokeGrant(String customerId, UUID grantId) {
		return Transport.read(transport.send("DELETE", customerPath(customerId) + "/grants/" + grantId, null),
				Grant.class);
	}

	// batches

	/**
	 * Submits a batch; answers it {@code queued} (with its {@code position}) or already
	 * {@code processing}. Too many operations for the plan: {@link PlangateApiException}
	 * {@code batch_size_exceeded}; with {@code failFast} and the customer's batches all
	 * processing: {@link ConcurrencyLimitReachedException}.
	 */
	public Batch submitBatch(NewBatch batch) {
		var body = Transport.JSON.createObjectNode().put("customerId", batch.customerId());
		putIfPresent(body, "region", batch.region());
		var operations = body.putArray("operations");
		for (var o : batch.operations()) {
			var node = operations.addObject().put("type", o.type());
			if (o.payload() != null) {
				node.set("payload", o.payload());
			}
			putIfPresent(node, "idempotencyKey", o.idempotencyKey());
			if (o.compensation() != null) {
				node.set("compensation", o.compensation());
			}
		}
		if (batch.continueOnError()) {
			body.put("continueOnError", true);
		}
		if (batch.failFast()) {
			body.put("failFast", true);
		}
		if (batch.maxAttempts() != null) {
			body.put("maxAttempts", batch.maxAttempts());
		}
		if (batch.operationTimeout() != null) {
			body.put("operationTimeoutSeconds", batch.operationTimeout().toSeconds());
		}
		if (batch.batchTimeout() != null) {
			body.put("batchTimeoutSeconds", batch.batchTimeout().toSeconds());
		}
		if (!batch.metadata().isEmpty()) {
			body.set("metadata", Transport.JSON.valueToTree(batch.metadata()));
		}
		return Transport.read(transport.send("POST", "/v1/batches", body), Batch.class);
	}

	/** One of the customer's batches, with its operations. */
	public Batch batch(String customerId, UUID batchId) {
		return Transport.read(transport.get(batchPath(customerId, batchId)), Batch.class);
	}

	/**
	 * The customer's batches, newest first.
	 * @param status one status's; all when absent
	 * @param limit 1 to 200
	 */
	public Page<Batch> batches(String customerId, @Nullable String status, @Nullable String cursor, int limit) {
		var query = new Query().add("customerId", customerId)
			.add("status", status)
			.add("cursor", cursor)
			.add("limit", limit);
		return Transport.page(transport.get("/v1/batches" + query), Batch.class);
	}

	/**
	 * Cancels a batch: operations not started are dropped, running ones told to stop.
	 * Ended already: {@link ConflictException} {@code batch_finished}.
	 */
	public Batch cancelBatch(String customerId, UUID batchId) {
		return Transport.read(transport.send("DELETE", batchPath(customerId, batchId), null), Batch.class);
	}

	/**
	 * A batch's events in order, a page at a time (an event shows once it is 2 s old;
	 * {@link #followBatch} sees them at once).
	 * @param after the {@code seq} to read on after (0: from the start); a full page's
	 * {@code nextCursor}
	 * @param limit 1 to 1000
	 */
	public Page<BatchEvent> batchEvents(String customerId, UUID batchId, long after, int limit) {
		var query = new Query().add("customerId", customerId).add("after", after).add("limit", limit);
		return Transport.page(transport.get("/v1/batches/" + batchId + "/events" + query), BatchEvent.class);
	}

	/**
	 * Follows a batch live: every event of it, from the first, handed to {@code listener}
	 * in order on a thread of its own, until the one telling how it ended; see
	 * {@link BatchFollow}.
	 */
	public BatchFollow followBatch(String customerId, UUID batchId, Consumer<BatchEvent> listener) {
		return new BatchFollow(transport, Objects.requireNonNull(customerId, "customerId"),
				Objects.requireNonNull(batchId, "batchId"), Objects.requireNonNull(listener, "listener"));
	}

	// the rest

	/**
	 * A builder of the worker runner, which runs the product's batch operations, at this
	 * server, with a worker key (not the server key).
	 */
	public PlangateWorker.Builder worker(String workerKey) {
		return PlangateWorker.builder(transport.base(), workerKey);
	}

	/**
	 * Usage history, usage alerts, the event log and webhook endpoints, over this
	 * client's connections.
	 */
	public PlangateClient reports() {
		return reports;
	}

	/**
	 * Sends every tracked event (waiting up to the builder's {@code closeTimeout}; what
	 * is still unsent then goes to the {@link TrackFailureHandler}), and stops the
	 * client's threads. Open leases are not released: close them first. Closing again
	 * does nothing.
	 */
	@Override
	public void close() {
		if (closed) {
			return;
		}
		closed = true;
		if (shutdownHook != null) {
			try {
				Runtime.getRuntime().removeShutdownHook(shutdownHook);
			}
			catch (IllegalStateException ex) {
				// the JVM is shutting down: the hook is running this
			}
		}
		synchronized (this) {
			var made = allowances;
			if (made != null) {
				made.close(closeTimeout);
			}
		}
		tracker.close(closeTimeout);
		heartbeats.shutdownNow();
		if (local != null) {
			local.close();
		}
	}

	private void closeOnShutdown() {
		long pending = tracker.pending();
		if (pending > 0) {
			log.info("Shutting down: sending {} tracked usage events to Plangate", pending);
		}
		close();
	}

	private static String customerPath(String customerId) {
		return "/v1/customers/" + Transport.encode(Objects.requireNonNull(customerId, "customerId"));
	}

	private static String batchPath(String customerId, UUID batchId) {
		return "/v1/batches/" + Objects.requireNonNull(batchId, "batchId") + "?customerId="
				+ Transport.encode(Objects.requireNonNull(customerId, "customerId"));
	}

	private static void putIfPresent(ObjectNode body, String name, @Nullable String value) {
		if (value != null) {
			body.put(name, value);
		}
	}

	/** Settings of a {@link Plangate} client; each has a default. */
	public static final class Builder {

		private final URI baseUrl;

		private final String serverKey;

		private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;

		private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;

		private RetryPolicy retryPolicy = RetryPolicy.defaults();

		private int trackBufferSize = 10_000;

		private int trackBatchSize = 1_000;

		private int trackSenders = 2;

		private Duration trackFlushInterval = Duration.ofSeconds(1);

		private Duration trackBlockTimeout = Duration.ofSeconds(1);

		private TrackFailureHandler trackFailureHandler = Builder::logFailure;

		private Duration closeTimeout = Duration.ofSeconds(30);

		private boolean shutdownHook = true;

		private long allowanceMaxBlock = 1_000_000;

		private Duration allowanceWindow = Duration.ofMillis(500);

		private Duration allowanceIdle = Duration.ofSeconds(2);

		private @Nullable LocalEvaluation localEvaluation;

		private Builder(URI baseUrl, String serverKey) {
			this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
			this.serverKey = Objects.requireNonNull(serverKey, "serverKey");
		}

		/** How long to wait for a connection (default 5 s). */
		public Builder connectTimeout(Duration timeout) {
			this.connectTimeout = positive(timeout, "connectTimeout");
			return this;
		}

		/** How long to wait for each attempt's answer (default 30 s). */
		public Builder requestTimeout(Duration timeout) {
			this.requestTimeout = positive(timeout, "requestTimeout");
			return this;
		}

		/**
		 * Which failures are retried, and how (default {@link RetryPolicy#defaults()}).
		 */
		public Builder retryPolicy(RetryPolicy policy) {
			this.retryPolicy = Objects.requireNonNull(policy, "policy");
			return this;
		}

		/** How many tracked events may wait to be sent (default 10,000). */
		public Builder trackBufferSize(int events) {
			if (events < 1) {
				throw new IllegalArgumentException("trackBufferSize must be at least 1, not " + events);
			}
			this.trackBufferSize = events;
			return this;
		}

		/**
		 * The most events one request sends (default 1,000; the server takes up to
		 * 10,000); a request goes as soon as this many wait.
		 */
		public Builder trackBatchSize(int events) {
			if (events < 1 || events > 10_000) {
				throw new IllegalArgumentException("trackBatchSize must be 1 to 10,000, not " + events);
			}
			this.trackBatchSize = events;
			return this;
		}

		/**
		 * How many requests of tracked events may be under way at once (default 2, at
		 * most 16): each sending thread takes the next batch while others wait for their
		 * answers. A flush still waits for every event tracked before it.
		 */
		public Builder trackSenders(int senders) {
			if (senders < 1 || senders > 16) {
				throw new IllegalArgumentException("trackSenders must be 1 to 16, not " + senders);
			}
			this.trackSenders = senders;
			return this;
		}

		/** The longest a tracked event waits before it is sent (default 1 s). */
		public Builder trackFlushInterval(Duration interval) {
			this.trackFlushInterval = positive(interval, "trackFlushInterval");
			return this;
		}

		/**
		 * How long {@link Plangate#track} waits for room in a full buffer before it
		 * throws {@link TrackBufferFullException} (default 1 s; 0: throw at once).
		 */
		public Builder trackBlockTimeout(Duration timeout) {
			if (timeout.isNegative()) {
				throw new IllegalArgumentException("trackBlockTimeout must not be negative: " + timeout);
			}
			this.trackBlockTimeout = timeout;
			return this;
		}

		/**
		 * Told of tracked events that will not be recorded (default: logged at ERROR).
		 */
		public Builder onTrackFailure(TrackFailureHandler handler) {
			this.trackFailureHandler = Objects.requireNonNull(handler, "handler");
			return this;
		}

		/**
		 * How long {@link Plangate#close()} may take to send what was tracked (default 30
		 * s).
		 */
		public Builder closeTimeout(Duration timeout) {
			this.closeTimeout = positive(timeout, "closeTimeout");
			return this;
		}

		/**
		 * Whether the JVM's shutdown closes the client, sending what was tracked (default
		 * true).
		 */
		public Builder shutdownHook(boolean enabled) {
			this.shutdownHook = enabled;
			return this;
		}

		/**
		 * The most units one allowance block may hold (default 1,000,000): what a process
		 * may hold unspent while others are refused.
		 */
		public Builder allowanceMaxBlock(long units) {
			if (units < 1) {
				throw new IllegalArgumentException("allowanceMaxBlock must be at least 1, not " + units);
			}
			this.allowanceMaxBlock = units;
			return this;
		}

		/**
		 * How much use an allowance block is sized for (default 500 ms): the next block
		 * holds about this long's worth at the rate the last one was spent.
		 */
		public Builder allowanceWindow(Duration window) {
			this.allowanceWindow = positive(window, "allowanceWindow");
			return this;
		}

		/**
		 * How long an allowance block may go unused before its unspent units are given
		 * back (default 2 s); also how long a refusal from the server is answered locally
		 * before asking again.
		 */
		public Builder allowanceIdle(Duration idle) {
			this.allowanceIdle = positive(idle, "allowanceIdle");
			return this;
		}

		/**
		 * Turns local evaluation on ({@code true}: with
		 * {@link LocalEvaluation#defaults()}) or off (the default): switch and setting
		 * checks answered in this process from entitlements kept current by the server's
		 * entitlement stream (docs/sdk.md).
		 */
		public Builder localEvaluation(boolean enabled) {
			this.localEvaluation = enabled ? LocalEvaluation.defaults() : null;
			return this;
		}

		/** Turns local evaluation on with these settings. */
		public Builder localEvaluation(LocalEvaluation settings) {
			this.localEvaluation = Objects.requireNonNull(settings, "settings");
			return this;
		}

		/** The client; it starts its tracking thread (and its entitlement stream). */
		public Plangate build() {
			if (trackBatchSize > trackBufferSize) {
				trackBatchSize = trackBufferSize;
			}
			return new Plangate(this);
		}

		private static Duration positive(Duration value, String name) {
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + " must be positive, not " + value);
			}
			return value;
		}

		private static void logFailure(List<UsageEvent> events, PlangateException cause) {
			for (var e : events) {
				log.error("Plangate will not record usage event {} ({} {} of '{}' at {}): {}", e.id(), e.customerId(),
						e.amount(), e.feature(), e.timestamp(), cause.getMessage());
			}
		}

	}

}

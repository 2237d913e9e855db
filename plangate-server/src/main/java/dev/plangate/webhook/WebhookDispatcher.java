package dev.plangate.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.platform.PlangateException;

import tools.jackson.databind.json.JsonMapper;

/**
 * Makes the deliveries, on every node: woken when a transaction that queued some commits,
 * and every {@code poll-interval} for the rest (retries, other nodes' events, a crashed
 * node's). One loop claims due deliveries with {@code FOR UPDATE SKIP LOCKED}, a batch at
 * a time with their events and endpoints, and holds each for {@code claim-timeout}, so
 * two nodes never make one attempt, and a node killed while delivering leaves its claims
 * to run out and be made again (at least once). Each claimed delivery starts at once on a
 * pool of {@code concurrency} senders, at most {@code endpoint-concurrency} to one
 * endpoint, so a slow endpoint delays no other, and no request thread ever waits for one.
 * The senders only send: the same loop writes down what came of their attempts, those
 * finished since its last turn in one transaction, before it claims more. An attempt is
 * counted against its endpoint's share until it is written down.
 */
@Component
class WebhookDispatcher implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

	/** Attempts written down in one transaction, at most. */
	private static final int RECORDED_AT_ONCE = 500;

	/**
	 * How often, at most, the claim looks past a backlog of deliveries to endpoints this
	 * node makes enough deliveries to, for those to other endpoints: often enough that
	 * they wait little, seldom enough that the slower read costs little.
	 */
	private static final long LOOK_PAST_EVERY = TimeUnit.MILLISECONDS.toNanos(100);

	private final WebhookRepository repository;

	private final WebhookEndpoints endpoints;

	private final WebhookAddresses addresses;

	private final WebhookSettings settings;

	private final WebhookSignal signal;

	private final WebhookMetrics metrics;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final JsonMapper json;

	private final Map<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	private final AtomicInteger busy = new AtomicInteger();

	/** When the loop last looked past the endpoints it makes enough deliveries to. */
	private long lookedPast = System.nanoTime();

	private final Queue<WebhookRepository.Attempted> attempted = new ConcurrentLinkedQueue<>();

	private volatile boolean running;

	private @Nullable Thread loop;

	private @Nullable ExecutorService senders;

	private @Nullable WebhookSender sender;

	WebhookDispatcher(WebhookRepository repository, WebhookEndpoints endpoints, WebhookAddresses addresses,
			WebhookSettings settings, WebhookSignal signal, WebhookMetrics metrics, TransactionTemplate transactions,
			Clock clock, JsonMapper json) {
		this.repository = repository;
		this.endpoints = endpoints;
		this.addresses = addresses;
		this.settings = settings;
		this.signal = signal;
		this.metrics = metrics;
		this.transactions = transactions;
		this.clock = clock;
		this.json = json;
	}

	@Override
	public void start() {
		var threads = new AtomicInteger();
		senders = Executors.newFixedThreadPool(settings.concurrency(), task -> {
			var thread = new Thread(task, "webhook-sender-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		sender = new WebhookSender(addresses, settings.connectTimeout(), settings.requestTimeout(),
				settings.maxResponseBytes(), settings.concurrency());
		running = true;
		var thread = new Thread(this::run, "webhook-dispatcher");
		thread.setDaemon(true);
		loop = thread;
		thread.start();
	}

	@Override
	public void stop() {
		running = false;
		signal.wake();
		var thread = loop;
		var pool = senders;
		try {
			if (thread != null) {
				thread.join(10_000);
			}
			if (pool != null) {
				pool.shutdown();
				if (!pool.awaitTermination(settings.requestTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS)) {
					log.warn("Webhooks still being delivered at shutdown; their claims run out and they go again");
					pool.shutdownNow();
				}
			}
			// what the senders finished meanwhile
			while (recordAttempted() > 0) {
				// until none is left
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (RuntimeException ex) {
			log.warn("Webhook attempts made at shutdown could not be written down; they go again: {}", ex.toString());
		}
		var client = sender;
		if (client != null) {
			client.close();
		}
		loop = null;
		senders = null;
		sender = null;
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	private void run() {
		while (running) {
			int done = 0;
			try {
				done = recordAttempted() + deliverDue();
			}
			catch (RuntimeException ex) {
				log.warn("Webhook delivery round failed; trying again in {}: {}", settings.pollInterval(),
						ex.toString());
			}
			if (done == 0 && !signal.await(settings.pollInterval())) {
				running = false;
			}
		}
	}

	/** Claims due deliveries this node has room for and starts them; answers how many. */
	int deliverDue() {
		var pool = senders;
		var client = sender;
		int free = settings.concurrency() - busy.get();
		if (pool == null || client == null || free <= 0) {
			return 0;
		}
		var full = new HashSet<UUID>();
		inFlight.forEach((endpoint, count) -> {
			if (count.get() >= settings.endpointConcurrency()) {
				full.add(endpoint);
			}
		});
		var now = clock.instant();
		long at = System.nanoTime();
		boolean lookPast = !full.isEmpty() && at - lookedPast > LOOK_PAST_EVERY;
		if (lookPast) {
			lookedPast = at;
		}
		var claimed = transactions.execute(status -> repository.claim(now, now.plus(settings.claimTimeout()), free,
				full, endpoint -> settings.endpointConcurrency() - count(endpoint).get(), lookPast));
		if (claimed == null || claimed.isEmpty()) {
			return 0;
		}
		// for this batch: each customer's plan checked once, each endpoint's secrets
		// opened once
		var granted = new HashMap<String, Boolean>();
		var secrets = new HashMap<UUID, List<WebhookSecret>>();
		for (var claim : claimed) {
			var delivery = claim.delivery();
			var endpoint = claim.endpoint();
			busy.incrementAndGet();
			count(endpoint.id()).incrementAndGet();
			var started = clock.instant();
			var customer = endpoint.customerId();
			if (customer != null && !granted.computeIfAbsent(customer, this::grantedTo)) {
				var error = "Not sent: the plan of customer '" + customer + "' no longer includes feature '"
						+ settings.customerFeature() + "'";
				metrics.failed();
				attempted.add(new WebhookRepository.Attempted(delivery, endpoint.id(), started, 0, null, error, null,
						false, started, null, false));
				continue;
			}
			List<WebhookSecret> signing;
			try {
				signing = secrets.computeIfAbsent(endpoint.id(), id -> endpoints.signingSecrets(endpoint));
			}
			catch (RuntimeException ex) {
				attempted.add(new WebhookRepository.Attempted(delivery, endpoint.id(), started, 0, null,
						"Not sent: the endpoint's secret could not be opened: " + ex.getMessage(), null, false, started,
						nextAttempt(delivery.roundAttempt(), started), true));
				continue;
			}
			pool.execute(() -> {
				try {
					attempted.add(deliver(client, claim, signing));
				}
				finally {
					signal.wake();
				}
			});
		}
		return claimed.size();
	}

	private AtomicInteger count(UUID endpoint) {
		return inFlight.computeIfAbsent(endpoint, e -> new AtomicInteger());
	}

	/** Makes one attempt; answers what came of it, to be written down. */
	private WebhookRepository.Attempted deliver(WebhookSender client, WebhookRepository.Claim claim,
			List<WebhookSecret> signing) {
		var delivery = claim.delivery();
		var started = clock.instant();
		long start = System.nanoTime();
		WebhookSender.Outcome outcome;
		try {
			outcome = attempt(client, claim.endpoint(), claim.event(), signing);
		}
		catch (RuntimeException ex) {
			outcome = new WebhookSender.Outcome(null, WebhookSender.describe(ex), null);
		}
		var took = Duration.ofNanos(System.nanoTime() - start);
		metrics.attempt(took);
		var now = clock.instant();
		if (outcome.succeeded()) {
			metrics.succeeded();
			return new WebhookRepository.Attempted(delivery, claim.endpoint().id(), started, took.toMillis(),
					outcome.status(), null, outcome.body(), true, now, null, true);
		}
		var next = nextAttempt(delivery.roundAttempt(), now);
		if (next == null) {
			metrics.failed();
		}
		else {
			metrics.retried();
		}
		return new WebhookRepository.Attempted(delivery, claim.endpoint().id(), started, took.toMillis(),
				outcome.status(), outcome.error() != null ? outcome.error() : "HTTP " + outcome.status(),
				outcome.body(), false, now, next, true);
	}

	/**
	 * Writes down the attempts finished since the last turn, in one transaction; should
	 * that fail, each in its own, so that one whose delivery is gone (its endpoint
	 * deleted meanwhile) holds up no other. Answers how many.
	 */
	int recordAttempted() {
		var batch = new ArrayList<WebhookRepository.Attempted>();
		for (var a = attempted.poll(); a != null; a = batch.size() < RECORDED_AT_ONCE ? attempted.poll() : null) {
			batch.add(a);
		}
		if (batch.isEmpty()) {
			return 0;
		}
		try {
			List<WebhookRepository.Claimed> lost;
			try {
				lost = transactions.execute(status -> repository.record(batch));
			}
			catch (RuntimeException ex) {
				lost = new ArrayList<>();
				for (var one : batch) {
					try {
						var gone = transactions.execute(status -> repository.record(List.of(one)));
						if (gone != null) {
							lost.addAll(gone);
						}
					}
					catch (RuntimeException failure) {
						if (failure instanceof DataIntegrityViolationException
								&& repository.find(one.endpointId()).isEmpty()) {
							// its endpoint, and with it the delivery, was deleted while
							// it
							// was made
							log.debug("Webhook delivery {} ended with its endpoint: {}", one.delivery().id(),
									failure.toString());
						}
						else {
							log.warn(
									"Webhook delivery {} could not be written down; it goes again when its claim runs out: {}",
									one.delivery().id(), failure.toString());
						}
					}
				}
			}
			for (var delivery : lost == null ? List.<WebhookRepository.Claimed>of() : lost) {
				log.warn("Webhook delivery {} was made after its claim ran out; it may be made twice", delivery.id());
			}
		}
		finally {
			for (var a : batch) {
				count(a.endpointId()).decrementAndGet();
				busy.decrementAndGet();
			}
		}
		batch.stream()
			.filter(a -> a.counted() && !a.succeeded())
			.map(WebhookRepository.Attempted::endpointId)
			.distinct()
			.forEach(endpoint -> {
				try {
					endpoints.disableIfFailingThroughout(endpoint);
				}
				catch (RuntimeException ex) {
					log.warn("Whether webhook endpoint {} is to be disabled could not be told: {}", endpoint,
							ex.toString());
				}
			});
		return batch.size();
	}

	/**
	 * Whether a customer's endpoint may still receive: its plan grants the webhook
	 * feature (a deleted customer's plan grants nothing).
	 */
	private boolean grantedTo(String customerId) {
		try {
			return endpoints.granted(customerId);
		}
		catch (PlangateException ex) {
			return false;
		}
	}

	/**
	 * When to try again after failed attempt {@code step} of the schedule; null: never.
	 */
	@Nullable Instant nextAttempt(int step, Instant now) {
		var schedule = settings.retryWaits();
		if (step > schedule.size()) {
			return null;
		}
		long wait = schedule.get(step - 1).toMillis();
		long jitter = (long) (wait * 0.2 * (ThreadLocalRandom.current().nextDouble() * 2 - 1));
		return now.plusMillis(Math.max(1, wait + jitter));
	}

	private WebhookSender.Outcome attempt(WebhookSender client, WebhookEndpoint endpoint, StoredEvent event,
			List<WebhookSecret> signing) {
		var body = json.writeValueAsString(event);
		var id = event.id().toString();
		long timestamp = clock.instant().getEpochSecond();
		var signatures = new ArrayList<String>(signing.size());
		for (var secret : signing) {
			signatures.add(secret.sign(id, timestamp, body));
		}
		var headers = new LinkedHashMap<String, String>();
		headers.put("webhook-id", id);
		headers.put("webhook-timestamp", Long.toString(timestamp));
		headers.put("webhook-signature", String.join(" ", signatures));
		return client.send(endpoint.url(), headers, body.getBytes(StandardCharsets.UTF_8));
	}

}

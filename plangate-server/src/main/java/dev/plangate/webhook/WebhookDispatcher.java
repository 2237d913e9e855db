package dev.plangate.webhook;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * node's). It claims due deliveries with {@code FOR UPDATE SKIP LOCKED} and holds each
 * for {@code claim-timeout}, so two nodes never make one attempt, and a node killed while
 * delivering leaves its claims to run out and be made again (at least once). Deliveries
 * run on a pool of {@code concurrency} threads, at most {@code endpoint-concurrency} to
 * one endpoint, so a slow endpoint delays no other, and no request thread ever waits for
 * one.
 */
@Component
class WebhookDispatcher implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);

	/** What the delivery log keeps of an answer. */
	static final int KEPT_BODY = 1024;

	private final WebhookRepository repository;

	private final WebhookEndpoints endpoints;

	private final WebhookAddresses addresses;

	private final WebhookSettings settings;

	private final WebhookSignal signal;

	private final WebhookMetrics metrics;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final JsonMapper json;

	private final HttpClient http;

	private final Map<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();

	private final AtomicInteger busy = new AtomicInteger();

	private volatile boolean running;

	private @Nullable Thread loop;

	private @Nullable ExecutorService senders;

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
		this.http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(settings.connectTimeout())
			// a redirect could lead to an address the URL check refuses
			.followRedirects(HttpClient.Redirect.NEVER)
			.build();
	}

	@Override
	public void start() {
		var threads = new AtomicInteger();
		senders = Executors.newFixedThreadPool(settings.concurrency(), task -> {
			var thread = new Thread(task, "webhook-sender-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
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
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		loop = null;
		senders = null;
	}

	@Override
	public boolean isRunning() {
		return running;
	}

	private void run() {
		while (running) {
			int claimed = 0;
			try {
				claimed = deliverDue();
			}
			catch (RuntimeException ex) {
				log.warn("Webhook delivery round failed; trying again in {}: {}", settings.pollInterval(),
						ex.toString());
			}
			if (claimed == 0 && !signal.await(settings.pollInterval())) {
				running = false;
			}
		}
	}

	/** Claims due deliveries this node has room for and starts them; answers how many. */
	int deliverDue() {
		var pool = senders;
		int free = settings.concurrency() - busy.get();
		if (pool == null || free <= 0) {
			return 0;
		}
		var now = clock.instant();
		var claimed = transactions.execute(status -> repository.claim(now, now.plus(settings.claimTimeout()), free,
				endpoint -> settings.endpointConcurrency() - count(endpoint).get()));
		if (claimed == null) {
			return 0;
		}
		for (var delivery : claimed) {
			busy.incrementAndGet();
			count(delivery.endpointId()).incrementAndGet();
			pool.execute(() -> {
				try {
					deliver(delivery);
				}
				catch (RuntimeException ex) {
					if (ex instanceof DataIntegrityViolationException
							&& repository.find(delivery.endpointId()).isEmpty()) {
						// its endpoint, and with it the delivery, was deleted while it
						// was made
						log.debug("Webhook delivery {} ended with its endpoint: {}", delivery.id(), ex.toString());
					}
					else {
						log.warn("Webhook delivery {} failed unexpectedly; it goes again when its claim runs out: {}",
								delivery.id(), ex.toString());
					}
				}
				finally {
					count(delivery.endpointId()).decrementAndGet();
					busy.decrementAndGet();
					signal.wake();
				}
			});
		}
		return claimed.size();
	}

	private AtomicInteger count(UUID endpoint) {
		return inFlight.computeIfAbsent(endpoint, e -> new AtomicInteger());
	}

	/** The outcome of one attempt. */
	private record Outcome(@Nullable Integer status, @Nullable String error, @Nullable String body) {

		boolean succeeded() {
			return status != null && status >= 200 && status < 300 && error == null;
		}

	}

	private void deliver(WebhookRepository.Claimed delivery) {
		var endpoint = repository.find(delivery.endpointId()).orElse(null);
		var event = repository.event(delivery.eventId()).orElse(null);
		if (endpoint == null || event == null) {
			return;
		}
		var started = clock.instant();
		var customer = endpoint.customerId();
		if (customer != null && !grantedTo(customer)) {
			var error = "Not sent: the plan of customer '" + customer + "' no longer includes feature '"
					+ settings.customerFeature() + "'";
			metrics.failed();
			transactions.executeWithoutResult(status -> {
				repository.recordAttempt(delivery, started, 0, null, error, null);
				repository.markFailedAttempt(delivery, null, null, error);
			});
			return;
		}
		long start = System.nanoTime();
		var outcome = attempt(endpoint, event);
		var took = Duration.ofNanos(System.nanoTime() - start);
		metrics.attempt(took);
		var now = clock.instant();
		if (outcome.succeeded()) {
			metrics.succeeded();
			boolean kept = Boolean.TRUE.equals(transactions.execute(status -> {
				repository.recordAttempt(delivery, started, took.toMillis(), outcome.status(), null, outcome.body());
				repository.markSucceeding(endpoint.id());
				return repository.markSucceeded(delivery, now, outcome.status());
			}));
			if (!kept) {
				log.warn("Webhook delivery {} was made after its claim ran out; it may be made twice", delivery.id());
			}
			return;
		}
		var next = nextAttempt(delivery.roundAttempt(), now);
		if (next == null) {
			metrics.failed();
		}
		else {
			metrics.retried();
		}
		var error = outcome.error() != null ? outcome.error() : "HTTP " + outcome.status();
		transactions.executeWithoutResult(status -> {
			repository.recordAttempt(delivery, started, took.toMillis(), outcome.status(), outcome.error(),
					outcome.body());
			repository.markFailing(endpoint.id(), started);
			repository.markFailedAttempt(delivery, next, outcome.status(), error);
		});
		endpoints.disableIfFailingThroughout(endpoint.id());
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

	private Outcome attempt(WebhookEndpoint endpoint, StoredEvent event) {
		URI uri;
		try {
			uri = addresses.check(endpoint.url());
		}
		catch (WebhookAddresses.Refused ex) {
			return new Outcome(null, "Not sent: the URL " + ex.getMessage(), null);
		}
		var body = json.writeValueAsString(event);
		var id = event.id().toString();
		long timestamp = clock.instant().getEpochSecond();
		var signatures = new ArrayList<String>();
		for (var secret : endpoints.signingSecrets(endpoint)) {
			signatures.add(secret.sign(id, timestamp, body));
		}
		var request = HttpRequest.newBuilder(uri)
			.timeout(settings.requestTimeout())
			.header("Content-Type", "application/json")
			.header("User-Agent", "Plangate-Webhooks")
			.header("webhook-id", id)
			.header("webhook-timestamp", Long.toString(timestamp))
			.header("webhook-signature", String.join(" ", signatures))
			.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
			.build();
		var response = http.sendAsync(request, info -> new LimitedBody(settings.maxResponseBytes()));
		try {
			var answer = response.get(settings.requestTimeout().toMillis() + 500, TimeUnit.MILLISECONDS);
			return new Outcome(answer.statusCode(), null, kept(answer.body()));
		}
		catch (TimeoutException ex) {
			response.cancel(true);
			return new Outcome(null, "Timed out after " + settings.requestTimeout().toMillis() + " ms", null);
		}
		catch (ExecutionException ex) {
			return new Outcome(null, describe(ex.getCause()), null);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			response.cancel(true);
			return new Outcome(null, "Interrupted: the node stopped", null);
		}
	}

	private static @Nullable String kept(byte[] body) {
		if (body.length == 0) {
			return null;
		}
		var text = new String(body, 0, Math.min(body.length, KEPT_BODY), StandardCharsets.UTF_8);
		// a character cut in two at the limit decodes as U+FFFD: drop it
		while (text.getBytes(StandardCharsets.UTF_8).length > KEPT_BODY) {
			text = text.substring(0, text.length() - 1);
		}
		return text;
	}

	static String describe(Throwable error) {
		if (error instanceof HttpTimeoutException) {
			return "Timed out: " + error.getMessage();
		}
		var text = new StringBuilder();
		for (Throwable t = error; t != null && text.length() < 800; t = t.getCause() == t ? null : t.getCause()) {
			if (!text.isEmpty()) {
				text.append(" <- ");
			}
			text.append(t.getClass().getSimpleName());
			if (t.getMessage() != null) {
				text.append(": ").append(t.getMessage().strip());
			}
		}
		var result = text.toString();
		return result.length() > 1000 ? result.substring(0, 999) + "…" : result;
	}

	/** Reads at most {@code max} bytes of an answer, then stops reading it. */
	static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {

		private final int max;

		private final ByteArrayOutputStream read = new ByteArrayOutputStream();

		private final CompletableFuture<byte[]> body = new CompletableFuture<>();

		private Flow.@Nullable Subscription subscription;

		LimitedBody(int max) {
			this.max = max;
		}

		@Override
		public CompletionStage<byte[]> getBody() {
			return body;
		}

		@Override
		public void onSubscribe(Flow.Subscription subscription) {
			this.subscription = subscription;
			subscription.request(Long.MAX_VALUE);
		}

		@Override
		public void onNext(List<ByteBuffer> items) {
			for (var item : items) {
				int take = Math.min(item.remaining(), max - read.size());
				var bytes = new byte[take];
				item.get(bytes);
				read.write(bytes, 0, take);
			}
			if (read.size() >= max && !body.isDone()) {
				body.complete(read.toByteArray());
				var s = subscription;
				if (s != null) {
					s.cancel();
				}
			}
		}

		@Override
		public void onError(Throwable error) {
			body.completeExceptionally(error);
		}

		@Override
		public void onComplete() {
			body.complete(read.toByteArray());
		}

	}

}

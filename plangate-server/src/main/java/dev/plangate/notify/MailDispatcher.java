package dev.plangate.notify;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends the outbox, on every node: woken when a transaction that wrote mail commits, and
 * every {@code pollInterval} for mail nobody woke it for. It claims at most
 * {@code concurrency} mails at a time with {@code FOR UPDATE SKIP LOCKED}, so two nodes
 * never take the same one, and sends them off the request threads. Delivery is at least
 * once: a node that dies while sending leaves its claim to run out, and the mail is sent
 * again.
 */
@Component
class MailDispatcher implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(MailDispatcher.class);

	/** How often the backlog is counted and old mail purged. */
	private static final Duration HOUSEKEEPING = Duration.ofSeconds(5);

	private final MailRepository repository;

	private final Mailer mailer;

	private final MailSettings settings;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final MailMetrics metrics;

	/** Secrets an error message must not carry. */
	private final List<String> secrets;

	private final Object signal = new Object();

	private boolean woken;

	private volatile boolean running;

	private @Nullable Thread loop;

	private @Nullable ExecutorService senders;

	private Instant nextHousekeeping = Instant.MIN;

	MailDispatcher(MailRepository repository, Mailer mailer, MailSettings settings, TransactionTemplate transactions,
			Clock clock, MailMetrics metrics, Environment environment) {
		this.repository = repository;
		this.mailer = mailer;
		this.settings = settings;
		this.transactions = transactions;
		this.clock = clock;
		this.metrics = metrics;
		this.secrets = Stream
			.of(environment.getProperty("spring.mail.password"), environment.getProperty("spring.mail.username"))
			.filter(s -> s != null && s.length() >= 3)
			.toList();
	}

	/** Looks for due mail now, not at the next poll. */
	void wake() {
		synchronized (signal) {
			woken = true;
			signal.notifyAll();
		}
	}

	@Override
	public void start() {
		var threads = new AtomicInteger();
		senders = Executors.newFixedThreadPool(settings.concurrency(), task -> {
			var thread = new Thread(task, "mail-sender-" + threads.incrementAndGet());
			thread.setDaemon(true);
			return thread;
		});
		running = true;
		var thread = new Thread(this::run, "mail-dispatcher");
		thread.setDaemon(true);
		loop = thread;
		thread.start();
	}

	@Override
	public void stop() {
		running = false;
		wake();
		var thread = loop;
		var pool = senders;
		try {
			if (thread != null) {
				thread.join(settings.shutdownTimeout().toMillis());
			}
			if (pool != null) {
				pool.shutdown();
				if (!pool.awaitTermination(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
					log.warn("Mail still being sent at shutdown; its claim will run out and another node sends it");
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
				claimed = sendDue();
				housekeeping();
			}
			catch (RuntimeException ex) {
				// no mail text is in these messages: they come from the database
				log.warn("Mail outbox round failed; trying again in {}: {}", settings.pollInterval(), ex.toString());
			}
			if (claimed < settings.concurrency()) {
				await(settings.pollInterval());
			}
		}
	}

	private void await(Duration timeout) {
		synchronized (signal) {
			long deadline = System.nanoTime() + timeout.toNanos();
			while (!woken && running) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					break;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(signal, left);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					running = false;
				}
			}
			woken = false;
		}
	}

	/** Claims due mail and sends it, {@code concurrency} at a time; answers how many. */
	int sendDue() {
		var pool = senders;
		if (pool == null) {
			return 0;
		}
		var now = clock.instant();
		var claimed = transactions
			.execute(status -> repository.claim(now, now.plus(settings.claimTimeout()), settings.concurrency()));
		if (claimed == null || claimed.isEmpty()) {
			return 0;
		}
		var sending = new ArrayList<Future<?>>();
		for (var mail : claimed) {
			sending.add(pool.submit(() -> deliver(mail)));
		}
		for (var future : sending) {
			try {
				future.get();
			}
			catch (ExecutionException ex) {
				log.warn("Sending mail failed unexpectedly: {}", ex.getCause().toString());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				running = false;
			}
		}
		return claimed.size();
	}

	private void deliver(MailRepository.Claimed mail) {
		try {
			mailer.send(mail.id(), mail.mail());
		}
		catch (RuntimeException ex) {
			retryOrGiveUp(mail, ex);
			return;
		}
		// sent: a failure to record it from here on must not send it again at once (the
		// claim runs out, and the mail is then sent again, at least once as promised)
		metrics.sent();
		if (!repository.markSent(mail, clock.instant(), !mailer.keepsText())) {
			log.warn("Mail {} was sent after its claim ran out; it may be sent twice", mail.id());
		}
	}

	private void retryOrGiveUp(MailRepository.Claimed mail, Exception error) {
		var reason = describe(error);
		var now = clock.instant();
		if (mail.attempt() >= settings.maxAttempts()) {
			metrics.failed();
			repository.markFailed(mail, now, reason, !mailer.keepsText());
			log.warn("Mail {} to {} failed for good after {} attempts: {}", mail.id(), mail.mail().to(), mail.attempt(),
					reason);
		}
		else {
			var next = now.plus(backoff(mail.attempt()));
			metrics.retried();
			repository.markRetry(mail, next, reason);
			log.info("Mail {} to {} failed (attempt {} of {}), trying again at {}: {}", mail.id(), mail.mail().to(),
					mail.attempt(), settings.maxAttempts(), next, reason);
		}
	}

	/**
	 * The wait after failed attempt {@code attempt}: {@code retryBase} doubled per
	 * attempt, at most {@code retryMax}, of which a random half is taken off so that
	 * mails failing together do not come back together.
	 */
	Duration backoff(int attempt) {
		long base = settings.retryBase().toMillis();
		long cap = settings.retryMax().toMillis();
		long full = attempt > 30 ? cap : Math.min(cap, base << (attempt - 1));
		long half = Math.max(1, full / 2);
		return Duration.ofMillis(full - half + ThreadLocalRandom.current().nextLong(half + 1));
	}

	/**
	 * The error, as stored and shown: exception types and messages down to the root
	 * cause, with the SMTP credentials taken out.
	 */
	String describe(Throwable error) {
		var text = new StringBuilder();
		for (Throwable t = error; t != null && text.length() < 2000; t = t.getCause() == t ? null : t.getCause()) {
			if (!text.isEmpty()) {
				text.append(" <- ");
			}
			text.append(t.getClass().getSimpleName());
			if (t.getMessage() != null) {
				text.append(": ").append(t.getMessage().strip());
			}
		}
		var result = text.toString();
		for (var secret : secrets) {
			result = result.replace(secret, "[redacted]");
		}
		return result.length() > 1000 ? result.substring(0, 999) + "…" : result;
	}

	private void housekeeping() {
		var now = clock.instant();
		if (now.isBefore(nextHousekeeping)) {
			return;
		}
		nextHousekeeping = now.plus(HOUSEKEEPING);
		int purged = repository.purge(now.minus(settings.outboxRetention()));
		if (purged > 0) {
			log.debug("Purged {} mails older than {}", purged, settings.outboxRetention());
		}
		metrics.backlog(repository.backlog());
	}

}

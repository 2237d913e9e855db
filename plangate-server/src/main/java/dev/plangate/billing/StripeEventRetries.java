package dev.plangate.billing;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.FixedDelayTask;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Processes failed Stripe events again, on every node with provider {@code stripe}: every
 * {@code plangate.stripe.events.poll-interval} it claims the failed events whose next
 * attempt is due with {@code FOR UPDATE SKIP LOCKED}, holding each for a while, so two
 * nodes never take the same one, and processes each as Stripe's delivery would. One that
 * fails again waits twice as long, until {@code max-attempts}; then it stays failed until
 * Stripe delivers it again or an operator replays it.
 */
@Component
class StripeEventRetries implements SchedulingConfigurer {

	private static final Logger log = LoggerFactory.getLogger(StripeEventRetries.class);

	/** How many events one round claims. */
	private static final int BATCH = 20;

	/**
	 * How long a claim holds an event: a node that dies while processing it leaves it to
	 * another node after this.
	 */
	private static final Duration CLAIM = Duration.ofMinutes(5);

	private final BillingSettings billing;

	private final StripeEventSettings settings;

	private final StripeEventRepository events;

	private final StripeWebhooks webhooks;

	private final TransactionTemplate transactions;

	private final Clock clock;

	StripeEventRetries(BillingSettings billing, StripeEventSettings settings, StripeEventRepository events,
			StripeWebhooks webhooks, TransactionTemplate transactions, Clock clock) {
		this.billing = billing;
		this.settings = settings;
		this.events = events;
		this.webhooks = webhooks;
		this.transactions = transactions;
		this.clock = clock;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		if (billing.stripe()) {
			registrar
				.addFixedDelayTask(new FixedDelayTask(this::round, settings.pollInterval(), settings.pollInterval()));
		}
	}

	private void round() {
		try {
			retryDue();
		}
		catch (RuntimeException ex) {
			log.warn("Retrying failed Stripe events failed; trying again in {}: {}", settings.pollInterval(),
					ex.toString());
		}
	}

	/** Processes the failed events due now, a batch at a time; answers how many. */
	int retryDue() {
		int done = 0;
		while (true) {
			var now = clock.instant();
			var claimed = transactions.execute(status -> events.claimDue(now, now.plus(CLAIM), BATCH));
			if (claimed == null || claimed.isEmpty()) {
				return done;
			}
			for (var id : claimed) {
				var receipt = webhooks.retry(id);
				if (receipt != null) {
					log.info("Stripe event {} ({}) tried again: {}", id, receipt.type(), receipt.outcome());
				}
				done++;
			}
			if (claimed.size() < BATCH) {
				return done;
			}
		}
	}

}

package dev.plangate.billing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import com.google.gson.JsonParseException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/**
 * Receives Stripe's events: each is verified against the endpoint's signing secrets,
 * recorded once by its id, and processed once in a transaction of its own, however often
 * and on however many nodes Stripe delivers it.
 */
@Service
class StripeWebhooks {

	private static final Logger log = LoggerFactory.getLogger(StripeWebhooks.class);

	private final BillingSettings billing;

	private final StripeSettings settings;

	private final StripeEventRepository events;

	private final StripeSubscriptions subscriptions;

	private final TransactionTemplate transactions;

	private final Clock clock;

	StripeWebhooks(BillingSettings billing, StripeSettings settings, StripeEventRepository events,
			StripeSubscriptions subscriptions, TransactionTemplate transactions, Clock clock) {
		this.billing = billing;
		this.settings = settings;
		this.events = events;
		this.subscriptions = subscriptions;
		this.transactions = transactions;
		this.clock = clock;
	}

	/** What became of an event. */
	record Receipt(String id, String type, String outcome, @Nullable String detail) {
	}

	/**
	 * @param signature the {@code Stripe-Signature} header
	 * @throws PlangateException {@code invalid_signature} when no secret verifies the
	 * payload within the tolerance, {@code billing_provider_disabled} when Stripe does
	 * not take the payments
	 */
	Receipt receive(String payload, @Nullable String signature) {
		if (!billing.stripe()) {
			throw StripeApi.disabled(billing);
		}
		var event = verify(payload, signature);
		var now = clock.instant();
		transactions.executeWithoutResult(status -> events.insert(event.getId(), event.getType(),
				Boolean.TRUE.equals(event.getLivemode()), Instant.ofEpochSecond(event.getCreated()), now, payload));
		try {
			return process(event);
		}
		catch (PlangateException ex) {
			// the event names something that cannot be: processing it again would not
			// help
			log.warn("Stripe event {} ({}) ignored: {}", event.getId(), event.getType(), ex.getMessage());
			return transactions.execute(status -> {
				var before = events.lock(event.getId()).orElseThrow();
				if (before.outcome() != null) {
					return new Receipt(event.getId(), event.getType(), "duplicate", before.detail());
				}
				events.processed(event.getId(), "ignored", ex.getMessage(), clock.instant());
				return new Receipt(event.getId(), event.getType(), "ignored", ex.getMessage());
			});
		}
	}

	private Receipt process(Event event) {
		return transactions.execute(status -> {
			var before = events.lock(event.getId()).orElseThrow();
			if (before.outcome() != null) {
				return new Receipt(event.getId(), event.getType(), "duplicate", before.detail());
			}
			var outcome = subscriptions.apply(event);
			events.processed(event.getId(), outcome.applied() ? "processed" : "ignored", outcome.detail(),
					clock.instant());
			return new Receipt(event.getId(), event.getType(), outcome.applied() ? "processed" : "ignored",
					outcome.detail());
		});
	}

	private Event verify(String payload, @Nullable String signature) {
		if (signature == null || signature.isBlank()) {
			throw new PlangateException(ErrorCode.INVALID_SIGNATURE,
					"The Stripe-Signature header is missing: only events signed by Stripe are accepted");
		}
		long tolerance = settings.webhookTolerance().toSeconds();
		// the SDK reads the clock in milliseconds, which a clock ticking in microseconds
		// cannot give
		var now = Clock.fixed(clock.instant(), ZoneOffset.UTC);
		SignatureVerificationException last = null;
		for (var secret : settings.webhookSecret()) {
			try {
				var event = Webhook.constructEvent(payload, signature, secret, tolerance, now);
				if (event.getId() == null || event.getType() == null || event.getCreated() == null) {
					throw new PlangateException(ErrorCode.INVALID_REQUEST,
							"The event has no id, type or created time: it is not a Stripe event");
				}
				return event;
			}
			catch (SignatureVerificationException ex) {
				last = ex;
			}
			catch (JsonParseException ex) {
				throw new PlangateException(ErrorCode.INVALID_REQUEST,
						"The event is signed but is not a Stripe event in JSON: " + ex.getMessage());
			}
		}
		throw new PlangateException(ErrorCode.INVALID_SIGNATURE,
				"The Stripe-Signature header does not verify with the endpoint's signing secrets"
						+ (last == null ? "" : " (" + last.getMessage() + ")")
						+ ": a wrong secret, a changed payload, or an event older than "
						+ settings.webhookTolerance().toSeconds() + " s");
	}

}

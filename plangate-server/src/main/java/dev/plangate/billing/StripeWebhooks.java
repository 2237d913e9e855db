package dev.plangate.billing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import com.google.gson.JsonParseException;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.model.StripeObject;
import com.stripe.net.ApiResource;
import com.stripe.net.Webhook;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/**
 * Receives Stripe's events: each is verified against the endpoint's signing secrets,
 * recorded once by its id, and processed once in a transaction of its own, however often
 * and on however many nodes Stripe delivers it. An event whose processing throws is kept
 * as {@code failed} and processed again: by Stripe's next delivery, by
 * {@link StripeEventRetries}, or by an operator's replay.
 */
@Service
class StripeWebhooks {

	private static final Logger log = LoggerFactory.getLogger(StripeWebhooks.class);

	private static final String FAILED = StripeEventRepository.FAILED;

	private final BillingSettings billing;

	private final StripeSettings settings;

	private final StripeEventRepository events;

	private final StripeSubscriptions subscriptions;

	private final StripeReminders reminders;

	private final TransactionTemplate transactions;

	private final StripeEventSettings retries;

	private final Clock clock;

	StripeWebhooks(BillingSettings billing, StripeSettings settings, StripeEventSettings retries,
			StripeEventRepository events, StripeSubscriptions subscriptions, StripeReminders reminders,
			TransactionTemplate transactions, Clock clock) {
		this.billing = billing;
		this.settings = settings;
		this.retries = retries;
		this.events = events;
		this.subscriptions = subscriptions;
		this.reminders = reminders;
		this.transactions = transactions;
		this.clock = clock;
	}

	/**
	 * What became of an event.
	 *
	 * @param outcome {@code processed}, {@code ignored}, {@code duplicate} or
	 * {@code failed}
	 * @param detail why it was ignored, or the failure
	 */
	record Receipt(String id, String type, String outcome, @Nullable String detail) {
	}

	/**
	 * @param signature the {@code Stripe-Signature} header
	 * @throws PlangateException {@code invalid_signature} when no secret verifies the
	 * payload within the tolerance, {@code billing_provider_disabled} when Stripe does
	 * not take the payments, {@code billing_event_failed} when processing the event
	 * threw: it is kept as failed, and Stripe delivers it again
	 */
	Receipt receive(String payload, @Nullable String signature) {
		if (!billing.stripe()) {
			throw StripeApi.disabled(billing);
		}
		var event = verify(payload, signature);
		var now = clock.instant();
		transactions.executeWithoutResult(status -> events.insert(event.getId(), event.getType(),
				Boolean.TRUE.equals(event.getLivemode()), Instant.ofEpochSecond(event.getCreated()), now, payload));
		var receipt = attempt(event, Mode.DELIVERY);
		if (receipt != null && FAILED.equals(receipt.outcome())) {
			// the error itself is for operators (GET /v1/admin/billing/events/{id}), not
			// for the caller
			throw new PlangateException(ErrorCode.BILLING_EVENT_FAILED, "Processing Stripe event " + event.getId()
					+ " failed; it is kept, and processed again when Stripe delivers it again or its retry is due")
				.withHeader("Retry-After", "60");
		}
		return Objects.requireNonNull(receipt);
	}

	/**
	 * Processes a stored event again now, whatever became of it before.
	 * @throws PlangateException {@code billing_event_not_found} when no event has the id,
	 * {@code billing_provider_disabled} when Stripe does not take the payments
	 */
	Receipt replay(String id) {
		if (!billing.stripe()) {
			throw StripeApi.disabled(billing);
		}
		var event = stored(id).orElseThrow(() -> notFound(id));
		return Objects.requireNonNull(attempt(event, Mode.REPLAY));
	}

	/**
	 * Processes a failed event again, unless it was processed meanwhile; null then.
	 */
	@Nullable Receipt retry(String id) {
		var event = stored(id).orElse(null);
		return event == null ? null : attempt(event, Mode.RETRY);
	}

	static PlangateException notFound(String id) {
		return PlangateException.notFound(ErrorCode.BILLING_EVENT_NOT_FOUND, "Stripe event", id);
	}

	private Optional<Event> stored(String id) {
		return events.find(id)
			.map(row -> StripeObject.deserializeStripeObject(row.payload(), Event.class,
					ApiResource.getGlobalResponseGetter()));
	}

	/** Who asks for an event to be processed. */
	private enum Mode {

		/** Stripe: once, unless it failed before. */
		DELIVERY,
		/** The retry job: only while it is failed. */
		RETRY,
		/** An operator: whatever became of it. */
		REPLAY;

		/** Whether an event with this outcome is processed (again). */
		boolean processes(StripeEventRepository.Processed before) {
			return switch (this) {
				case DELIVERY -> !before.done();
				case RETRY -> FAILED.equals(before.outcome());
				case REPLAY -> true;
			};
		}

	}

	/**
	 * Processes the event in a transaction of its own, holding its row's lock; null when
	 * the retry job finds it processed meanwhile.
	 */
	private @Nullable Receipt attempt(Event event, Mode mode) {
		try {
			return process(event, mode);
		}
		catch (PlangateException ex) {
			// the event names something that cannot be: processing it again would not
			// help
			log.warn("Stripe event {} ({}) ignored: {}", event.getId(), event.getType(), ex.getMessage());
			return transactions.execute(status -> {
				var before = events.lock(event.getId()).orElseThrow();
				if (!mode.processes(before)) {
					return skipped(event, before, mode);
				}
				events.processed(event.getId(), "ignored", ex.getMessage(), clock.instant());
				return new Receipt(event.getId(), event.getType(), "ignored", ex.getMessage());
			});
		}
		catch (RuntimeException ex) {
			var error = describe(ex);
			return transactions.execute(status -> {
				var before = events.lock(event.getId()).orElseThrow();
				if (!mode.processes(before)) {
					return skipped(event, before, mode);
				}
				int attempts = before.attempts() + 1;
				var next = attempts >= retries.maxAttempts() ? null : clock.instant().plus(retries.backoff(attempts));
				events.failed(event.getId(), error, next);
				if (next == null) {
					log.error("Stripe event {} ({}) failed {} times; no more retries: replay it once fixed: {}",
							event.getId(), event.getType(), attempts, error, ex);
				}
				else {
					log.warn("Stripe event {} ({}) failed (attempt {}), tried again at {}: {}", event.getId(),
							event.getType(), attempts, next, error, ex);
				}
				return new Receipt(event.getId(), event.getType(), FAILED, error);
			});
		}
	}

	private @Nullable Receipt process(Event event, Mode mode) {
		return transactions.execute(status -> {
			var before = events.lock(event.getId()).orElseThrow();
			if (!mode.processes(before)) {
				return skipped(event, before, mode);
			}
			var outcome = StripeReminders.handles(event) ? reminders.apply(event) : subscriptions.apply(event);
			events.processed(event.getId(), outcome.applied() ? "processed" : "ignored", outcome.detail(),
					clock.instant());
			return new Receipt(event.getId(), event.getType(), outcome.applied() ? "processed" : "ignored",
					outcome.detail());
		});
	}

	private @Nullable Receipt skipped(Event event, StripeEventRepository.Processed before, Mode mode) {
		if (mode != Mode.DELIVERY) {
			return null;
		}
		events.duplicate(event.getId());
		return new Receipt(event.getId(), event.getType(), "duplicate", before.detail());
	}

	/** A failure as stored: its types and messages down to the root cause. */
	private static String describe(Throwable error) {
		var text = new StringBuilder();
		for (Throwable t = error; t != null && text.length() < 1000; t = t.getCause() == t ? null : t.getCause()) {
			if (!text.isEmpty()) {
				text.append(" <- ");
			}
			text.append(t.getClass().getSimpleName());
			if (t.getMessage() != null) {
				text.append(": ").append(t.getMessage().strip());
			}
		}
		return text.toString();
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
				if (event.getId() == null || event.getType() == null || event.getCreated() == null
						|| event.getApiVersion() == null || event.getData() == null) {
					throw new PlangateException(ErrorCode.INVALID_REQUEST,
							"The event has no id, type, created time, api_version or data: it is not a Stripe event");
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

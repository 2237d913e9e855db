package dev.plangate.billing;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import com.stripe.model.StripeObject;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.net.RequestOptions;
import com.stripe.param.InvoiceCreatePreviewParams;
import com.stripe.param.SubscriptionCancelParams;
import com.stripe.param.SubscriptionScheduleCreateParams;
import com.stripe.param.SubscriptionScheduleReleaseParams;
import com.stripe.param.SubscriptionScheduleUpdateParams;
import com.stripe.param.SubscriptionUpdateParams;

import dev.plangate.catalog.Plan;
import dev.plangate.subscription.PaymentProvider;

/**
 * Plan changes made through Plangate's API, carried to the Stripe subscription that bills
 * the customer before Plangate applies them: an upgrade changes the subscription's price
 * and invoices the prorated difference at once, a downgrade now credits it on the next
 * invoice, a downgrade at the period's end is a subscription schedule, a cancellation
 * sets {@code cancel_at_period_end} (or cancels at once). Each call carries an
 * idempotency key of the customer, the operation, the target plan and the subscription's
 * newest history entry, so a retried API call is the same call to Stripe and never
 * charges twice. The moment of the change is kept, so that Stripe's events older than it
 * are ignored.
 */
@Component
class StripePlanChanges {

	private final StripeApi stripe;

	private final BillingCustomerRepository links;

	private final Clock clock;

	StripePlanChanges(StripeApi stripe, BillingCustomerRepository links, Clock clock) {
		this.stripe = stripe;
		this.links = links;
		this.clock = clock;
	}

	void changeNow(PaymentProvider.Change change, boolean upgrade) {
		var subscription = retrieve(change);
		var schedule = subscription.getSchedule();
		if (schedule != null) {
			release(change, schedule);
		}
		var item = item(subscription, change.from());
		var params = SubscriptionUpdateParams.builder()
			.addItem(SubscriptionUpdateParams.Item.builder().setId(item.getId()).setPrice(price(change.to())).build())
			.setProrationBehavior(upgrade ? SubscriptionUpdateParams.ProrationBehavior.ALWAYS_INVOICE
					: SubscriptionUpdateParams.ProrationBehavior.CREATE_PRORATIONS)
			.setCancelAtPeriodEnd(false);
		if (upgrade) {
			// a declined card refuses the change instead of leaving the subscription
			// unpaid
			params.setPaymentBehavior(SubscriptionUpdateParams.PaymentBehavior.ERROR_IF_INCOMPLETE);
		}
		var updated = stripe.call("change the subscription's plan", client -> client.v1()
			.subscriptions()
			.update(subscription.getId(), params.build(), attemptKey(change, upgrade ? "upgrade" : "downgrade")));
		changedAt(change, updated);
	}

	void changeAtPeriodEnd(PaymentProvider.Change change) {
		var subscription = retrieve(change);
		var scheduleId = subscription.getSchedule();
		long phaseStart;
		if (scheduleId == null) {
			var created = stripe.call("schedule the plan change", client -> client.v1()
				.subscriptionSchedules()
				.create(SubscriptionScheduleCreateParams.builder().setFromSubscription(subscription.getId()).build(),
						key(change, "schedule")));
			scheduleId = created.getId();
			phaseStart = created.getPhases().get(0).getStartDate();
		}
		else {
			var existing = stripe.call("read the subscription's schedule",
					client -> client.v1().subscriptionSchedules().retrieve(subscription.getSchedule()));
			phaseStart = existing.getPhases().get(0).getStartDate();
		}
		long periodEnd = change.periodEnd().getEpochSecond();
		var params = SubscriptionScheduleUpdateParams.builder()
			.setEndBehavior(SubscriptionScheduleUpdateParams.EndBehavior.RELEASE)
			.addPhase(SubscriptionScheduleUpdateParams.Phase.builder()
				.addItem(SubscriptionScheduleUpdateParams.Phase.Item.builder()
					.setPrice(price(change.from()))
					.setQuantity(1L)
					.build())
				.setStartDate(phaseStart)
				.setEndDate(periodEnd)
				.build())
			.addPhase(SubscriptionScheduleUpdateParams.Phase.builder()
				.addItem(SubscriptionScheduleUpdateParams.Phase.Item.builder()
					.setPrice(price(change.to()))
					.setQuantity(1L)
					.build())
				.setStartDate(periodEnd)
				.build())
			.setProrationBehavior(SubscriptionScheduleUpdateParams.ProrationBehavior.NONE)
			.build();
		var id = scheduleId;
		var updated = stripe.call("schedule the plan change",
				client -> client.v1().subscriptionSchedules().update(id, params, key(change, "schedule-phases")));
		changedAt(change, updated);
	}

	void releaseScheduledChange(PaymentProvider.Change change) {
		var schedule = retrieve(change).getSchedule();
		if (schedule != null) {
			release(change, schedule);
		}
	}

	void cancel(PaymentProvider.Change change, boolean immediately) {
		var subscriptionId = subscriptionId(change);
		if (immediately) {
			var canceled = stripe.call("cancel the subscription",
					client -> client.v1()
						.subscriptions()
						.cancel(subscriptionId, SubscriptionCancelParams.builder().build(), key(change, "cancel-now")));
			changedAt(change, canceled);
			links.subscriptionEnded(change.customerId(), subscriptionId, clock.instant());
			return;
		}
		// a scheduled plan change gives way to the cancellation, as in Plangate
		var schedule = retrieve(change).getSchedule();
		if (schedule != null) {
			release(change, schedule);
		}
		var canceled = stripe.call("cancel the subscription at the period's end",
				client -> client.v1()
					.subscriptions()
					.update(subscriptionId, SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(true).build(),
							key(change, "cancel")));
		changedAt(change, canceled);
	}

	void resume(PaymentProvider.Change change) {
		var subscriptionId = subscriptionId(change);
		var resumed = stripe.call("take back the cancellation",
				client -> client.v1()
					.subscriptions()
					.update(subscriptionId, SubscriptionUpdateParams.builder().setCancelAtPeriodEnd(false).build(),
							key(change, "resume")));
		changedAt(change, resumed);
	}

	/**
	 * Stripe's preview of a change: the invoice it would make at once (an upgrade now),
	 * or its next invoice with the change (a downgrade now credits it, a change at the
	 * period's end prices it).
	 */
	PaymentProvider.Quote preview(PaymentProvider.Change change, boolean now, boolean upgrade) {
		var subscription = retrieve(change);
		var item = item(subscription, change.from());
		var behavior = !now ? InvoiceCreatePreviewParams.SubscriptionDetails.ProrationBehavior.NONE
				: upgrade ? InvoiceCreatePreviewParams.SubscriptionDetails.ProrationBehavior.ALWAYS_INVOICE
						: InvoiceCreatePreviewParams.SubscriptionDetails.ProrationBehavior.CREATE_PRORATIONS;
		var details = InvoiceCreatePreviewParams.SubscriptionDetails.builder()
			.addItem(InvoiceCreatePreviewParams.SubscriptionDetails.Item.builder()
				.setId(item.getId())
				.setPrice(price(change.to()))
				.build())
			.setProrationBehavior(behavior);
		if (now) {
			details.setProrationDate(clock.instant().getEpochSecond());
		}
		var params = InvoiceCreatePreviewParams.builder()
			.setCustomer(subscription.getCustomer())
			.setSubscription(subscription.getId())
			.setSubscriptionDetails(details.build())
			.build();
		var invoice = stripe.call("preview the plan change", client -> client.v1().invoices().createPreview(params));
		long amount = invoice.getAmountDue() == null ? 0 : invoice.getAmountDue();
		if (now && upgrade) {
			return new PaymentProvider.Quote(amount, change.to().definition().price());
		}
		return new PaymentProvider.Quote(0, amount);
	}

	private void release(PaymentProvider.Change change, String scheduleId) {
		var released = stripe.call("release the scheduled plan change",
				client -> client.v1()
					.subscriptionSchedules()
					.release(scheduleId, SubscriptionScheduleReleaseParams.builder().build(), key(change, "release")));
		changedAt(change, released);
	}

	/**
	 * The subscription's item billing the plan the customer is on, else its first.
	 */
	private static SubscriptionItem item(Subscription subscription, Plan plan) {
		var items = subscription.getItems().getData();
		for (var item : items) {
			if (item.getPrice() != null && item.getPrice().getId().equals(plan.definition().stripePrice())) {
				return item;
			}
		}
		return items.get(0);
	}

	private Subscription retrieve(PaymentProvider.Change change) {
		var id = subscriptionId(change);
		return stripe.call("read the subscription", client -> client.v1().subscriptions().retrieve(id));
	}

	private String subscriptionId(PaymentProvider.Change change) {
		var link = links.find(change.customerId()).orElseThrow();
		var id = link.stripeSubscriptionId();
		if (id == null) {
			throw new IllegalStateException("Customer '" + change.customerId() + "' has no Stripe subscription");
		}
		return id;
	}

	/**
	 * Keeps when Stripe made the change (its answer's {@code Date}), so that its events
	 * from before are ignored, and the event of this change is applied (it matches what
	 * Plangate applies).
	 */
	private void changedAt(PaymentProvider.Change change, StripeObject answer) {
		var response = answer.getLastResponse();
		@Nullable Instant at = response == null ? null : response.date();
		var when = (at != null ? at : clock.instant()).truncatedTo(ChronoUnit.SECONDS);
		var link = links.find(change.customerId()).orElseThrow();
		if (link.stateAt() == null || when.isAfter(link.stateAt())) {
			links.stateAt(change.customerId(), when);
		}
	}

	/**
	 * The idempotency key of one call: the same for a retried API call, another once the
	 * subscription changed.
	 */
	static RequestOptions key(PaymentProvider.Change change, String operation) {
		return RequestOptions.builder()
			.setIdempotencyKey("plangate-" + operation + "-" + change.customerId() + "-" + change.to().key() + "-v"
					+ change.to().version() + "-" + change.basis())
			.build();
	}

	/**
	 * The idempotency key of a call that charges or credits now: one of its own for each
	 * API call. Stripe keeps a refusal under its key for a day, so with the key of
	 * {@link #key} a customer who fixed a declined card could not upgrade until then. A
	 * repeated call is still safe: once Plangate applied the change it makes no call, and
	 * moving the item to the price it has already makes no proration.
	 */
	static RequestOptions attemptKey(PaymentProvider.Change change, String operation) {
		var key = key(change, operation).getIdempotencyKey() + "-" + UUID.randomUUID().toString().substring(0, 8);
		return RequestOptions.builder().setIdempotencyKey(key).build();
	}

	private static String price(Plan plan) {
		var price = plan.definition().stripePrice();
		if (price == null) {
			throw new IllegalStateException("Plan '" + plan.key() + "' v" + plan.version() + " has no stripePrice");
		}
		return price;
	}

}

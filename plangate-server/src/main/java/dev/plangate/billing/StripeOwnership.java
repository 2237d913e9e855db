package dev.plangate.billing;

import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.plangate.subscription.PaymentProvider;

/**
 * With Stripe taking the payments, a customer with a Stripe subscription is billed by
 * Stripe: a change of its plan through Plangate's API is carried to Stripe first.
 */
@Component
class StripeOwnership implements PaymentProvider {

	private final BillingSettings settings;

	private final BillingCustomerRepository links;

	private final StripePlanChanges changes;

	StripeOwnership(BillingSettings settings, BillingCustomerRepository links, StripePlanChanges changes) {
		this.settings = settings;
		this.links = links;
		this.changes = changes;
	}

	@Override
	public Optional<String> owns(String customerId) {
		if (!settings.stripe()) {
			return Optional.empty();
		}
		return links.find(customerId).filter(link -> link.stripeSubscriptionId() != null).map(link -> "stripe");
	}

	@Override
	public String actorName() {
		return StripeWebhookController.ACTOR;
	}

	@Override
	public void lock(String customerId) {
		if (settings.stripe()) {
			links.lock(customerId);
		}
	}

	@Override
	public void changeNow(Change change, boolean upgrade) {
		changes.changeNow(change, upgrade);
	}

	@Override
	public void changeAtPeriodEnd(Change change) {
		changes.changeAtPeriodEnd(change);
	}

	@Override
	public void releaseScheduledChange(Change change) {
		changes.releaseScheduledChange(change);
	}

	@Override
	public void cancel(Change change, boolean immediately) {
		changes.cancel(change, immediately);
	}

	@Override
	public void resume(Change change) {
		changes.resume(change);
	}

	@Override
	public Optional<Quote> preview(Change change, boolean now, boolean upgrade) {
		return Optional.of(changes.preview(change, now, upgrade));
	}

}

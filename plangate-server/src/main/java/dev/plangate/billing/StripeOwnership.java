package dev.plangate.billing;

import java.util.Optional;

import org.springframework.stereotype.Component;

import dev.plangate.subscription.PaymentProvider;

/**
 * With Stripe taking the payments, a customer with a Stripe subscription has its plan
 * changed in Stripe; Plangate's API refuses to change it behind Stripe's back.
 */
@Component
class StripeOwnership implements PaymentProvider {

	private final BillingSettings settings;

	private final BillingCustomerRepository links;

	StripeOwnership(BillingSettings settings, BillingCustomerRepository links) {
		this.settings = settings;
		this.links = links;
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

}

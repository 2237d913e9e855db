package dev.plangate.billing;

import java.util.List;

import org.springframework.stereotype.Component;

import dev.plangate.catalog.PlanDefinition;
import dev.plangate.catalog.PlanRule;

/**
 * With Stripe taking the payments, a paid plan must name the Stripe price its subscribers
 * pay: without one, Stripe could not sell it and its webhooks could not be matched to it.
 */
@Component
class StripePlanRule implements PlanRule {

	private final BillingSettings settings;

	StripePlanRule(BillingSettings settings) {
		this.settings = settings;
	}

	@Override
	public List<String> problems(PlanDefinition plan) {
		if (!settings.stripe() || plan.price() == 0 || plan.stripePrice() != null) {
			return List.of();
		}
		return List.of("plan '" + plan.key() + "': stripePrice is required for a paid plan when Stripe takes the "
				+ "payments (PLANGATE_BILLING_PROVIDER=stripe): the id of the plan's price in Stripe, price_…");
	}

}

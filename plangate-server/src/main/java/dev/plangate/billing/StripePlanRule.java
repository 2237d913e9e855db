package dev.plangate.billing;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.plangate.catalog.PlanDefinition;
import dev.plangate.catalog.PlanRule;

/**
 * With Stripe taking the payments, a paid plan must name the Stripe price its subscribers
 * pay: without one, Stripe could not sell it and its webhooks could not be matched to it.
 * Likewise a quota with overage names the Stripe price its overage is invoiced at.
 */
@Component
class StripePlanRule implements PlanRule {

	private final BillingSettings settings;

	StripePlanRule(BillingSettings settings) {
		this.settings = settings;
	}

	@Override
	public List<String> problems(PlanDefinition plan) {
		if (!settings.stripe()) {
			return List.of();
		}
		var problems = new ArrayList<String>();
		if (plan.price() != 0 && plan.stripePrice() == null) {
			problems.add("plan '" + plan.key() + "': stripePrice is required for a paid plan when Stripe takes the "
					+ "payments (PLANGATE_BILLING_PROVIDER=stripe): the id of the plan's price in Stripe, price_…");
		}
		plan.entitlements().forEach((feature, entitlement) -> {
			if (entitlement.hasOverage() && entitlement.overageStripePrice() == null) {
				problems.add("plan '" + plan.key() + "': entitlement '" + feature
						+ "': overage: stripePrice is required when Stripe takes the payments "
						+ "(PLANGATE_BILLING_PROVIDER=stripe): the id of the overage's metered price in Stripe, price_…");
			}
		});
		return problems;
	}

}

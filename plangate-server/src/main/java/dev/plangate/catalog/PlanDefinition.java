package dev.plangate.catalog;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The content of one plan version: everything a catalog file or the admin API says about
 * a plan.
 *
 * @param price in minor units of {@code currency}
 * @param queuePriority higher is served first by the batch queue
 * @param rateMultiplier scales the default of rate features the plan does not list
 * @param entitlements by feature key
 * @param stripePrice the Stripe price a subscriber of this version pays, when Stripe
 * takes the payments (left out of the stored JSON when absent, so versions written before
 * it existed keep their hash)
 */
public record PlanDefinition(String key, String name, @Nullable String description, long price, String currency,
		BillingInterval interval, int trialDays, int queuePriority, BigDecimal rateMultiplier,
		Map<String, Entitlement> entitlements,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String stripePrice) {

	public PlanDefinition {
		entitlements = Collections.unmodifiableMap(new TreeMap<>(entitlements));
		rateMultiplier = rateMultiplier.stripTrailingZeros();
	}
}

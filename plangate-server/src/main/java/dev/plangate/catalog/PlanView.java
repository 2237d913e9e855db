package dev.plangate.catalog;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A plan version as the API shows it.
 *
 * @param stripePrice the Stripe price of this version, when it has one
 */
public record PlanView(String key, int version, String name, @Nullable String description, Price price, String interval,
		int trialDays, int priority, BigDecimal rateMultiplier, String status, boolean isDefault, boolean current,
		Map<String, EntitlementView> entitlements, Instant createdAt, @Nullable String stripePrice) {

	/** An amount in minor units (cents) of a currency. */
	public record Price(long amount, String currency) {
	}

	public static PlanView of(Plan plan, Map<String, Feature> features) {
		var d = plan.definition();
		var entitlements = new LinkedHashMap<String, EntitlementView>();
		d.entitlements().forEach((key, entitlement) -> {
			var feature = features.get(key);
			if (feature != null) {
				entitlements.put(key, EntitlementView.of(feature, entitlement, null));
			}
		});
		return new PlanView(plan.key(), plan.version(), d.name(), d.description(), new Price(d.price(), d.currency()),
				d.interval().id(), d.trialDays(), d.queuePriority(), d.rateMultiplier(), plan.status().id(),
				plan.isDefault(), plan.current(), entitlements, plan.createdAt(), d.stripePrice());
	}
}

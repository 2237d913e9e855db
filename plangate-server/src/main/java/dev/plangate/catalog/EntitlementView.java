package dev.plangate.catalog;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What a customer or plan gets of one feature, with enough of the feature to show it (a
 * pricing page needs no other call).
 *
 * @param limit absent when unlimited or not numeric
 * @param source for a customer's entitlements: {@code override}, {@code plan},
 * {@code default} or {@code none}
 */
public record EntitlementView(String feature, String name, String kind, @Nullable String unit, @Nullable String period,
		@Nullable Long windowSeconds, boolean enabled, @Nullable Long limit, boolean unlimited, @Nullable String value,
		@Nullable Overage overage, @Nullable String source) {

	/**
	 * Price in minor units for {@code per} units beyond the limit.
	 *
	 * @param cap the most units a period may go beyond the limit; absent when uncapped
	 * @param stripePrice the Stripe price overage is invoiced at
	 */
	public record Overage(long price, long per, @Nullable Long cap, @Nullable String stripePrice) {
	}

	public static EntitlementView of(Feature f, Entitlement e, @Nullable String source) {
		return new EntitlementView(f.key(), f.name(), f.kind().id(), f.unit(),
				f.period() == null ? null : f.period().id(), f.windowSeconds(), e.enabled(), e.limit(), e.unlimited(),
				e.value(), e.overagePrice() == null ? null : new Overage(e.overagePrice(),
						Objects.requireNonNull(e.overagePer()), e.overageCap(), e.overageStripePrice()),
				source);
	}
}

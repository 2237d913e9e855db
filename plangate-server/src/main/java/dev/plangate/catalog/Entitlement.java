package dev.plangate.catalog;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a plan (or an override) grants for one feature.
 *
 * @param enabled whether the feature can be used at all
 * @param limit the amount for quota, rate and concurrency features; {@code null} when
 * unlimited or not numeric
 * @param unlimited no limit applies (numeric kinds and number settings)
 * @param value the value of a setting, as text
 * @param overagePrice price in minor units of {@code overagePer} units beyond a quota's
 * limit
 * @param overagePer how many units {@code overagePrice} buys
 * @param overageCap the most units a period may go beyond the allowance (and grants);
 * absent when overage has no cap (left out of the stored JSON when absent, so versions
 * written before it existed keep their hash)
 * @param overageStripePrice the Stripe price overage is invoiced at, when Stripe takes
 * the payments
 */
public record Entitlement(boolean enabled, @Nullable Long limit, boolean unlimited, @Nullable String value,
		@Nullable Long overagePrice, @Nullable Long overagePer,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable Long overageCap,
		@JsonInclude(JsonInclude.Include.NON_NULL) @Nullable String overageStripePrice) {

	public static Entitlement ofSwitch(boolean enabled) {
		return new Entitlement(enabled, null, false, null, null, null, null, null);
	}

	public static Entitlement ofLimit(long limit) {
		return new Entitlement(limit > 0, limit, false, null, null, null, null, null);
	}

	public static Entitlement ofUnlimited() {
		return new Entitlement(true, null, true, null, null, null, null, null);
	}

	public static Entitlement ofValue(String value) {
		return new Entitlement(true, null, false, value, null, null, null, null);
	}

	public static Entitlement ofUnlimitedValue() {
		return new Entitlement(true, null, true, null, null, null, null, null);
	}

	/** The grant of a feature a plan does not list and that has no default. */
	public static Entitlement none() {
		return new Entitlement(false, null, false, null, null, null, null, null);
	}

	public Entitlement withOverage(long price, long per) {
		return withOverage(price, per, null, null);
	}

	/**
	 * This grant with overage: use beyond the limit is admitted (up to {@code cap} units
	 * a period, when given) and priced at {@code price} minor units per {@code per}
	 * units. A limit of 0 with overage is pay-as-you-go, so the grant is enabled.
	 */
	public Entitlement withOverage(long price, long per, @Nullable Long cap, @Nullable String stripePrice) {
		return new Entitlement(true, limit, unlimited, value, price, per, cap, stripePrice);
	}

	/** Whether use beyond the limit is admitted and billed. */
	public boolean hasOverage() {
		return overagePrice != null;
	}
}

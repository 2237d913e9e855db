package dev.plangate.catalog;

import org.jspecify.annotations.Nullable;

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
 */
public record Entitlement(boolean enabled, @Nullable Long limit, boolean unlimited, @Nullable String value,
		@Nullable Long overagePrice, @Nullable Long overagePer) {

	public static Entitlement ofSwitch(boolean enabled) {
		return new Entitlement(enabled, null, false, null, null, null);
	}

	public static Entitlement ofLimit(long limit) {
		return new Entitlement(limit > 0, limit, false, null, null, null);
	}

	public static Entitlement ofUnlimited() {
		return new Entitlement(true, null, true, null, null, null);
	}

	public static Entitlement ofValue(String value) {
		return new Entitlement(true, null, false, value, null, null);
	}

	public static Entitlement ofUnlimitedValue() {
		return new Entitlement(true, null, true, null, null, null);
	}

	/** The grant of a feature a plan does not list and that has no default. */
	public static Entitlement none() {
		return new Entitlement(false, null, false, null, null, null);
	}

	public Entitlement withOverage(long price, long per) {
		return new Entitlement(enabled, limit, unlimited, value, price, per);
	}
}

package dev.plangate.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * Every feature's effective value for a customer: the override, else its plan version's
 * entitlement, else the feature's default.
 *
 * @param active whether the customer's subscription grants its plan now
 * @param features by feature key
 */
public record Entitlements(String customerId, String customerStatus, boolean active, Subscription subscription,
		Map<String, Entitlement> features) {

	public Entitlements {
		features = Map.copyOf(features);
	}

	/** One feature's entitlement; absent when the catalog has no such feature. */
	public @Nullable Entitlement feature(String key) {
		return features.get(key);
	}

	/**
	 * What the customer gets of one feature.
	 *
	 * @param kind {@code switch}, {@code quota}, {@code rate}, {@code concurrency} or
	 * {@code setting}
	 * @param period a quota's period ({@code month}, {@code lifetime}, …)
	 * @param limit absent when unlimited or not numeric
	 * @param value a setting's value
	 * @param overage a soft limit's price beyond the limit
	 * @param source {@code override}, {@code plan}, {@code default} or {@code none}
	 */
	public record Entitlement(String feature, String name, String kind, @Nullable String unit, @Nullable String period,
			@Nullable Long windowSeconds, boolean enabled, @Nullable Long limit, boolean unlimited,
			@Nullable String value, @Nullable Overage overage, @Nullable String source) {
	}

	/**
	 * Price in minor units for {@code per} units beyond the limit.
	 *
	 * @param cap the most units a period may go beyond the limit; absent when uncapped
	 */
	public record Overage(long price, long per, @Nullable Long cap) {
	}

}

package dev.plangate.subscription;

import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import dev.plangate.catalog.EntitlementView;

/**
 * What a customer holds that a plan's limits must fit before the customer moves to it:
 * items counted by a lifetime quota, leases held, members of an organization. Each module
 * that counts such things implements it; a plan change asks them all.
 */
public interface Holdings {

	/**
	 * The features of which the customer holds more than {@code entitlements} allow.
	 * @param entitlements every feature's effective value on the plan being moved to
	 */
	List<Violation> exceeding(String customerId, Map<String, EntitlementView> entitlements);

	/**
	 * The most a customer may hold of a feature: none when unlimited or not counted, 0
	 * when the feature is not granted.
	 */
	static @Nullable Long limitOf(EntitlementView entitlement) {
		if (entitlement.unlimited()) {
			return null;
		}
		if (!entitlement.enabled()) {
			return 0L;
		}
		return entitlement.limit();
	}

	/**
	 * One feature the customer holds more of than a plan allows.
	 *
	 * @param used what the customer holds now
	 * @param targetLimit what the plan allows
	 */
	record Violation(String feature, long used, long targetLimit) {
	}

}

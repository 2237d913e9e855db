package dev.plangate.client;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A customer's subscription with the plan version it is on.
 *
 * @param status {@code trialing}, {@code active}, {@code past_due}, {@code canceled} or
 * {@code expired}
 * @param pendingChange a plan change that takes effect at {@code currentPeriodEnd}
 * @param pastDueSince when a renewal could not be collected, while it is not
 * @param graceEndsAt when a past-due subscription stops granting its plan's entitlements
 */
public record Subscription(String id, String customerId, String status, PlanRef plan, Instant startedAt,
		Instant currentPeriodStart, Instant currentPeriodEnd, @Nullable Instant trialEnd, boolean cancelAtPeriodEnd,
		@Nullable Instant canceledAt, @Nullable Instant endedAt, @Nullable PendingChange pendingChange,
		@Nullable Instant pastDueSince, @Nullable Instant graceEndsAt) {

	/**
	 * A plan version, enough to show it.
	 *
	 * @param interval the billing interval: {@code month}, {@code year}, …
	 */
	public record PlanRef(String key, int version, String name, Price price, String interval) {
	}

	/**
	 * An amount of money.
	 *
	 * @param amount in minor units of {@code currency} (cents)
	 * @param currency an ISO 4217 code
	 */
	public record Price(long amount, String currency) {
	}

	/**
	 * A plan change waiting for the period's end.
	 *
	 * @param forced asked for although the customer held more than the plan allows
	 */
	public record PendingChange(PlanRef plan, Instant effectiveAt, Instant requestedAt, boolean forced) {
	}

}

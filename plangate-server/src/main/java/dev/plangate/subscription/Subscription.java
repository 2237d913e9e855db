package dev.plangate.subscription;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * The plan version a customer is on and the period it is in. One per customer: plan
 * changes move it, a cancellation returns it to the default plan, deleting the customer
 * ends it.
 *
 * @param periodAnchor the instant periods are counted from: period n starts at anchor + n
 * intervals
 * @param pending a plan change waiting for the end of the current period
 * @param pastDueSince when the subscription became past due, while it is past due or
 * unpaid
 */
public record Subscription(UUID id, String customerId, String planKey, int planVersion, SubscriptionStatus status,
		Instant startedAt, Instant periodAnchor, Instant currentPeriodStart, Instant currentPeriodEnd,
		@Nullable Instant trialEnd, boolean cancelAtPeriodEnd, @Nullable Instant canceledAt, @Nullable Instant endedAt,
		@Nullable PendingChange pending, @Nullable Instant pastDueSince) {

	/**
	 * A change to another plan version that takes effect at the end of the current
	 * period.
	 *
	 * @param forced whether it was asked for although the customer held more than the
	 * plan allows
	 */
	public record PendingChange(String planKey, int planVersion, Instant requestedAt, boolean forced) {
	}

	/** The same subscription with another pending change, or none. */
	Subscription withPending(@Nullable PendingChange change) {
		return new Subscription(id, customerId, planKey, planVersion, status, startedAt, periodAnchor,
				currentPeriodStart, currentPeriodEnd, trialEnd, cancelAtPeriodEnd, canceledAt, endedAt, change,
				pastDueSince);
	}

}

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
 */
public record Subscription(UUID id, String customerId, String planKey, int planVersion, SubscriptionStatus status,
		Instant startedAt, Instant periodAnchor, Instant currentPeriodStart, Instant currentPeriodEnd,
		@Nullable Instant trialEnd, boolean cancelAtPeriodEnd, @Nullable Instant canceledAt,
		@Nullable Instant endedAt) {
}

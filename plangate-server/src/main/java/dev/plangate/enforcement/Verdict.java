package dev.plangate.enforcement;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An explained decision.
 *
 * @param code why it was refused: {@code feature_not_in_plan}, {@code quota_exceeded},
 * {@code subscription_inactive} or {@code customer_suspended}; absent when allowed
 * @param used the period's usage: after this consume when admitted, before it otherwise
 * @param resetsAt when the quota's period ends; absent for lifetime quotas and non-quotas
 * @param upgradePlan the cheapest active plan that would have allowed it, when refused
 * @param duplicate a consume whose idempotency key was decided before: this is that first
 * answer
 */
public record Verdict(boolean allowed, @Nullable String code, String customerId, String feature, String kind,
		long amount, @Nullable Long limit, boolean unlimited, @Nullable Long used, @Nullable Long remaining,
		@Nullable Instant resetsAt, @Nullable String upgradePlan, boolean duplicate, @Nullable Long windowSeconds,
		@Nullable Long retryAfter) {
}

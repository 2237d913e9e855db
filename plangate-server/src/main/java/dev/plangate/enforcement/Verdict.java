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
 * @param remaining what is left of the plan's allowance (grants not counted)
 * @param fromGrants the part of this amount drawn from the customer's grants, once the
 * allowance was spent
 * @param grantsRemaining what the customer's active grants hold (after this consume);
 * present only when the allowance did not cover the amount and the customer has grants
 * @param overage whether any of this amount was (or, for a check, would be) admitted as
 * overage: beyond the allowance and the grants, billed per unit
 * @param overageUnits the part of this amount admitted as overage; absent when none
 * @param overageCap the most overage the quota admits a period; present for a quota with
 * a capped overage price, and on a refusal at that cap
 */
public record Verdict(boolean allowed, @Nullable String code, String customerId, String feature, String kind,
		long amount, @Nullable Long limit, boolean unlimited, @Nullable Long used, @Nullable Long remaining,
		@Nullable Instant resetsAt, @Nullable String upgradePlan, boolean duplicate, @Nullable Long windowSeconds,
		@Nullable Long retryAfter, @Nullable Long fromGrants, @Nullable Long grantsRemaining, boolean overage,
		@Nullable Long overageUnits, @Nullable Long overageCap) {
}

package dev.plangate.client;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * Plangate's explained answer to "may this customer do this, now?": what
 * {@link Plangate#check} answers, what an admitted {@link Plangate#consume} answers, and
 * what a {@link RefusedException} carries.
 *
 * @param allowed whether it is (or was) allowed
 * @param code why not: {@code feature_not_in_plan}, {@code quota_exceeded},
 * {@code rate_limited}, {@code concurrency_limit_reached}, {@code subscription_inactive}
 * or {@code customer_suspended}; absent when allowed
 * @param kind the feature's kind ({@code switch}, {@code quota}, {@code rate},
 * {@code setting}); absent in a refusal, which does not say it
 * @param limit the plan's (or the override's) allowance; absent when unlimited or not
 * numeric
 * @param used the period's usage: after this consume when admitted, before it otherwise
 * @param remaining what is left of the allowance (grants not counted)
 * @param resetsAt when the quota's period ends; absent for lifetime quotas and non-quotas
 * @param upgradePlan the cheapest plan that would have allowed it, when refused
 * @param duplicate a consume whose idempotency key was decided before: this is that first
 * answer
 * @param windowSeconds a rate feature's window
 * @param retryAfterSeconds when a refused rate (or a full concurrency feature) would
 * allow the next request, in seconds
 * @param fromGrants the part of the amount drawn from the customer's grants
 * @param grantsRemaining what the customer's active grants hold
 * @param overage whether any of the amount was (or would be) admitted as overage
 * @param overageUnits the part of the amount admitted as overage
 * @param overageCap the most overage the quota admits a period, when capped
 */
public record Decision(boolean allowed, @Nullable String code, String customerId, String feature, @Nullable String kind,
		long amount, @Nullable Long limit, boolean unlimited, @Nullable Long used, @Nullable Long remaining,
		@Nullable Instant resetsAt, @Nullable String upgradePlan, boolean duplicate, @Nullable Long windowSeconds,
		@Nullable Long retryAfterSeconds, @Nullable Long fromGrants, @Nullable Long grantsRemaining, boolean overage,
		@Nullable Long overageUnits, @Nullable Long overageCap) {

	/** {@link #retryAfterSeconds} as a duration; absent when the answer gives none. */
	public @Nullable Duration retryAfter() {
		return retryAfterSeconds == null ? null : Duration.ofSeconds(retryAfterSeconds);
	}

}

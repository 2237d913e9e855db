package dev.plangate.client;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * Plangate refused what was asked for the customer (a consume, a lease): the problem's
 * {@code code} with the limit, usage, remaining, reset time and the cheapest plan that
 * would allow it, as a {@link Decision}. One subclass per code, so that a caller catches
 * what it handles: {@link QuotaExceededException}, {@link RateLimitedException},
 * {@link ConcurrencyLimitReachedException}, {@link FeatureNotInPlanException},
 * {@link SubscriptionInactiveException}, {@link CustomerSuspendedException}.
 */
public abstract class RefusedException extends PlangateApiException {

	private final Decision decision;

	RefusedException(int status, JsonNode problem, String body, Decision decision) {
		super(status, problem, body);
		this.decision = decision;
	}

	/** The refusal as a decision ({@code allowed} false). */
	public Decision decision() {
		return decision;
	}

	/** The allowance; absent when unlimited or not numeric. */
	public @Nullable Long limit() {
		return decision.limit();
	}

	/** What the period had used when refused. */
	public @Nullable Long used() {
		return decision.used();
	}

	/** What was left of the allowance. */
	public @Nullable Long remaining() {
		return decision.remaining();
	}

	/** When the quota's period ends and its usage starts again from 0. */
	public @Nullable Instant resetsAt() {
		return decision.resetsAt();
	}

	/** When asking again could succeed (rate and concurrency refusals). */
	public @Nullable Duration retryAfter() {
		return decision.retryAfter();
	}

	/** The cheapest plan that would have allowed it: what to offer the customer. */
	public @Nullable String upgradePlan() {
		return decision.upgradePlan();
	}

}

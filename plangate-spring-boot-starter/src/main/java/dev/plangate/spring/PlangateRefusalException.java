package dev.plangate.spring;

import org.jspecify.annotations.Nullable;

import dev.plangate.client.Decision;
import dev.plangate.client.RefusedException;

/**
 * Plangate refused a method guarded by {@link RequiresFeature}, {@link Consumes} or
 * {@link ConcurrencyLimited}: the method did not run. Carries the refusal as a
 * {@link Decision} (its code, feature, limit, usage, reset time, retry time and the plan
 * that would allow it) and the HTTP status the Plangate server gives that code, which
 * {@link PlangateProblemHandler} answers the product's client with.
 */
public class PlangateRefusalException extends RuntimeException {

	private final Decision decision;

	private final int status;

	/** A refusal by a check's decision ({@code allowed} false). */
	public PlangateRefusalException(Decision decision) {
		this(decision, statusOf(decision.code()), null);
	}

	/** A refusal the client threw (a consume's, a lease's). */
	public PlangateRefusalException(RefusedException refused) {
		this(refused.decision(), refused.status(), refused);
	}

	private PlangateRefusalException(Decision decision, int status, @Nullable Throwable cause) {
		super("Plangate refused '" + decision.feature() + "' for customer '" + decision.customerId() + "': "
				+ decision.code(), cause);
		this.decision = decision;
		this.status = status;
	}

	/** The refusal: {@code allowed} false, with its code and figures. */
	public Decision decision() {
		return decision;
	}

	/**
	 * Why: {@code feature_not_in_plan}, {@code quota_exceeded}, {@code rate_limited},
	 * {@code concurrency_limit_reached}, {@code subscription_inactive} or
	 * {@code customer_suspended}.
	 */
	public String code() {
		return decision.code() == null ? "refused" : decision.code();
	}

	/**
	 * The HTTP status Plangate gives the refusal: 402 when the plan does not allow it
	 * (feature not in plan, quota exceeded, subscription inactive), 403 for a suspended
	 * customer, 429 when it may pass later (rate limited, concurrency limit reached).
	 */
	public int status() {
		return status;
	}

	static int statusOf(@Nullable String code) {
		if (code == null) {
			return 403;
		}
		return switch (code) {
			case "feature_not_in_plan", "quota_exceeded", "subscription_inactive" -> 402;
			case "rate_limited", "concurrency_limit_reached" -> 429;
			default -> 403;
		};
	}

}

package dev.plangate.client;

import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A plan change asked of {@link Plangate#changePlan}: to the current version of
 * {@code plan}; by default an upgrade happens now and a downgrade of a paid period at its
 * end.
 *
 * @param when {@code now} or {@code period_end}; the server's default when absent
 * @param force change although the customer holds more than the new plan allows (audited)
 */
public record PlanChange(String plan, @Nullable String when, boolean force) {

	public PlanChange {
		Objects.requireNonNull(plan, "plan");
	}

	/** A change to {@code plan}, when the server decides. */
	public static PlanChange to(String plan) {
		return new PlanChange(plan, null, false);
	}

	/** This change, made now (a downgrade too, credited for the unused days). */
	public PlanChange now() {
		return new PlanChange(plan, "now", force);
	}

	/** This change, made at the end of the current period. */
	public PlanChange atPeriodEnd() {
		return new PlanChange(plan, "period_end", force);
	}

	/** This change, although the customer holds more than the new plan allows. */
	public PlanChange forced() {
		return new PlanChange(plan, when, true);
	}

}

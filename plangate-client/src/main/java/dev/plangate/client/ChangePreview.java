package dev.plangate.client;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a plan change would do, from {@link Plangate#previewPlanChange}: when, at what
 * cost, and what it would break. Amounts are in minor units.
 *
 * @param direction {@code upgrade}, {@code downgrade} or {@code switch}
 * @param when {@code now} or {@code period_end}
 * @param allowed false when the customer holds more than the new plan allows
 * ({@code violations}) and the change would be refused unless forced
 * @param proration Plangate's daily proration (absent while Stripe bills the customer)
 * @param dueNow charged at once
 * @param source {@code plangate} or {@code stripe}
 */
public record ChangePreview(String customerId, Subscription.PlanRef from, Subscription.PlanRef to, String direction,
		String when, Instant effectiveAt, boolean allowed, List<Violation> violations, @Nullable Proration proration,
		long dueNow, NextInvoice nextInvoice, String source) {

	/** Something the customer holds above the new plan's limit. */
	public record Violation(String feature, long used, long targetLimit) {
	}

	/**
	 * The unused days of the current plan credited, the days the new plan covers charged.
	 */
	public record Proration(String currency, long credit, long charge, long net, long daysLeft, long periodDays) {
	}

	/** The invoice that follows. */
	public record NextInvoice(Instant at, String currency, long amount) {
	}

}

package dev.plangate.subscription;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What a plan change would do, without doing it: when it would take effect, what it would
 * cost or credit, and what the customer holds that the new plan would not allow.
 *
 * @param direction {@code upgrade}, {@code downgrade} (by yearly price) or {@code same}
 * @param when {@code now} or {@code period_end}: the default for the direction unless
 * asked
 * @param allowed false when the change would be refused for {@code violations} (it may
 * still be forced)
 * @param proration what changing now costs (charge) and gives back (credit), in minor
 * units, by whole days left in the current period: Plangate's own reckoning, absent when
 * the payment provider answers
 * @param dueNow what the customer is charged at once for the change, in minor units
 * @param nextInvoice the next regular invoice after the change
 * @param source who reckoned the amounts: {@code plangate} (its daily proration) or the
 * payment provider that bills the customer ({@code stripe}, its upcoming-invoice preview)
 */
public record ChangePreview(String customerId, SubscriptionView.PlanRef from, SubscriptionView.PlanRef to,
		String direction, String when, Instant effectiveAt, boolean allowed, List<Holdings.Violation> violations,
		@Nullable Proration proration, long dueNow, NextInvoice nextInvoice, String source) {

	/**
	 * @param credit the unused part of the current plan's price (0 in a trial)
	 * @param charge the new plan's price for the time it covers from the change
	 * @param net {@code charge - credit}: due now when positive, taken off the next
	 * invoice when negative
	 * @param daysLeft whole days from now to the end of the current period (rounded up)
	 * @param periodDays days in the current period
	 */
	public record Proration(String currency, long credit, long charge, long net, long daysLeft, long periodDays) {
	}

	/**
	 * @param amount the plan's price, less a credit carried from the change
	 */
	public record NextInvoice(Instant at, String currency, long amount) {
	}

}

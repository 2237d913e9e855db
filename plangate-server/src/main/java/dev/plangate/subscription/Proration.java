package dev.plangate.subscription;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;

import dev.plangate.catalog.BillingInterval;
import dev.plangate.catalog.Plan;
import dev.plangate.catalog.PlanDefinition;

/**
 * Plangate's own pricing of a plan change, by whole days: the unused days of the current
 * period are credited at the current plan's price, and the days the new plan covers are
 * charged at its price. A change that starts a new period (another billing interval, or a
 * trial ending early) charges the new plan's full price; a change in a trial credits
 * nothing, since nothing was paid for it. Amounts are in minor units, rounded half up.
 */
final class Proration {

	private static final long DAY = Duration.ofDays(1).toSeconds();

	private Proration() {
	}

	/**
	 * Which way a change goes, by price per year: positive for an upgrade, negative for a
	 * downgrade, 0 for the same price.
	 */
	static int direction(PlanDefinition from, PlanDefinition to) {
		return Long.compare(yearly(to), yearly(from));
	}

	private static long yearly(PlanDefinition plan) {
		return plan.interval() == BillingInterval.MONTH ? plan.price() * 12 : plan.price();
	}

	/**
	 * The cost of moving {@code before} (on {@code from}) to {@code after} (on
	 * {@code to}) at {@code now}.
	 */
	static ChangePreview.Proration now(Subscription before, Plan from, Subscription after, Plan to, Instant now) {
		var current = from.definition();
		var target = to.definition();
		long periodDays = days(before.currentPeriodStart(), before.currentPeriodEnd());
		long daysLeft = Math.min(periodDays, daysUp(now, before.currentPeriodEnd()));
		boolean paid = before.status() == SubscriptionStatus.ACTIVE || before.status() == SubscriptionStatus.PAST_DUE;
		long credit = paid && current.currency().equals(target.currency())
				? share(current.price(), daysLeft, periodDays) : 0;
		long charge;
		if (after.status() == SubscriptionStatus.TRIALING) {
			charge = 0;
		}
		else if (after.currentPeriodStart().equals(before.currentPeriodStart())) {
			charge = share(target.price(), daysLeft, periodDays);
		}
		else {
			charge = target.price();
		}
		return new ChangePreview.Proration(target.currency(), credit, charge, charge - credit, daysLeft, periodDays);
	}

	/** A change at the period's end: nothing to prorate. */
	static ChangePreview.Proration none(Subscription s, Plan to, Instant now) {
		long periodDays = days(s.currentPeriodStart(), s.currentPeriodEnd());
		return new ChangePreview.Proration(to.definition().currency(), 0, 0, 0,
				Math.min(periodDays, daysUp(now, s.currentPeriodEnd())), periodDays);
	}

	private static long share(long price, long days, long periodDays) {
		if (periodDays == 0) {
			return 0;
		}
		return BigDecimal.valueOf(price)
			.multiply(BigDecimal.valueOf(days))
			.divide(BigDecimal.valueOf(periodDays), 0, RoundingMode.HALF_UP)
			.longValueExact();
	}

	private static long days(Instant from, Instant to) {
		return Math.max(1, Math.round((double) Duration.between(from, to).toSeconds() / DAY));
	}

	private static long daysUp(Instant from, Instant to) {
		long seconds = Math.max(0, Duration.between(from, to).toSeconds());
		return (seconds + DAY - 1) / DAY;
	}

}

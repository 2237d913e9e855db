package dev.plangate.subscription;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

import dev.plangate.catalog.BillingInterval;
import dev.plangate.catalog.Plan;

/**
 * The rules of a subscription's life, without storage: starting, changing plan, and
 * moving on in time. Periods are counted from an anchor in UTC, so a subscription started
 * on January 31st renews on February 28th (29th in leap years) and on March 31st.
 */
final class Lifecycle {

	private Lifecycle() {
	}

	/** A transition that happened while moving on in time, for the history. */
	record Transition(String action, String fromPlan, int fromVersion, Subscription after) {
	}

	/**
	 * The subscription moved on to {@code now}, and the transitions on the way (renewals
	 * are not recorded).
	 */
	record Advanced(Subscription subscription, List<Transition> transitions, boolean changed) {
	}

	static Subscription start(UUID id, String customerId, Plan plan, boolean trial, Instant now) {
		return onPlan(id, customerId, plan, trial, now, now);
	}

	/**
	 * Moves a subscription to another plan (or another version of its plan) at once. The
	 * current period is kept when the billing interval stays the same and no trial starts
	 * or ends, so usage counted per billing period is not reset by switching plans back
	 * and forth.
	 */
	static Subscription change(Subscription s, BillingInterval currentInterval, Plan plan, boolean trial, Instant now) {
		boolean startsTrial = trial && plan.definition().trialDays() > 0;
		boolean keepPeriod = !startsTrial && s.status() == SubscriptionStatus.ACTIVE
				&& currentInterval == plan.definition().interval();
		if (keepPeriod) {
			return new Subscription(s.id(), s.customerId(), plan.key(), plan.version(), SubscriptionStatus.ACTIVE,
					s.startedAt(), s.periodAnchor(), s.currentPeriodStart(), s.currentPeriodEnd(), s.trialEnd(), false,
					null, null, null);
		}
		return onPlan(s.id(), s.customerId(), plan, trial, s.startedAt(), now);
	}

	private static Subscription onPlan(UUID id, String customerId, Plan plan, boolean trial, Instant startedAt,
			Instant now) {
		int trialDays = plan.definition().trialDays();
		if (trial && trialDays > 0) {
			var trialEnd = now.plus(Duration.ofDays(trialDays));
			return new Subscription(id, customerId, plan.key(), plan.version(), SubscriptionStatus.TRIALING, startedAt,
					now, now, trialEnd, trialEnd, false, null, null, null);
		}
		var interval = plan.definition().interval();
		return new Subscription(id, customerId, plan.key(), plan.version(), SubscriptionStatus.ACTIVE, startedAt, now,
				now, periodStart(interval, now, 1), null, false, null, null, null);
	}

	/**
	 * Moves a subscription on to {@code now}: a trial that ended becomes active, a
	 * cancellation due at a period's end returns the customer to the default plan, a
	 * pending change due moves it to the pending plan, and the current period becomes the
	 * one holding {@code now}. The default plan is looked up only when a cancellation
	 * falls due.
	 * @param pendingPlan the plan version a pending change moves to when it falls due, or
	 * null when the change may no longer happen (the subscription then stays on its plan)
	 */
	static Advanced advance(Subscription start, Instant now, Function<Subscription, BillingInterval> intervalOf,
			Supplier<Plan> defaultPlan, Function<Subscription, @Nullable Plan> pendingPlan) {
		var s = start;
		var transitions = new ArrayList<Transition>();
		while (s.status().isLive() && !now.isBefore(s.currentPeriodEnd())) {
			var boundary = s.currentPeriodEnd();
			if (s.cancelAtPeriodEnd()) {
				var from = s;
				var plan = defaultPlan.get();
				var interval = plan.definition().interval();
				s = new Subscription(s.id(), s.customerId(), plan.key(), plan.version(), SubscriptionStatus.ACTIVE,
						s.startedAt(), boundary, boundary, periodStart(interval, boundary, 1), s.trialEnd(), false,
						null, null, null);
				transitions.add(new Transition("canceled", from.planKey(), from.planVersion(), s));
			}
			else if (s.pending() != null) {
				var from = s;
				var plan = pendingPlan.apply(s);
				if (plan == null) {
					s = s.withPending(null);
					transitions.add(new Transition("scheduled_change_dropped", from.planKey(), from.planVersion(), s));
				}
				else {
					s = onPlanFrom(s, intervalOf.apply(s), plan, boundary);
					transitions.add(new Transition("scheduled_change_applied", from.planKey(), from.planVersion(), s));
				}
			}
			else if (s.status() == SubscriptionStatus.TRIALING) {
				var interval = intervalOf.apply(s);
				s = new Subscription(s.id(), s.customerId(), s.planKey(), s.planVersion(), SubscriptionStatus.ACTIVE,
						s.startedAt(), boundary, boundary, periodStart(interval, boundary, 1), s.trialEnd(),
						s.cancelAtPeriodEnd(), s.canceledAt(), null, s.pending());
				transitions.add(new Transition("trial_ended", s.planKey(), s.planVersion(), s));
			}
			else {
				var interval = intervalOf.apply(s);
				long n = periodsBefore(interval, s.periodAnchor(), now);
				s = new Subscription(s.id(), s.customerId(), s.planKey(), s.planVersion(), s.status(), s.startedAt(),
						s.periodAnchor(), periodStart(interval, s.periodAnchor(), n),
						periodStart(interval, s.periodAnchor(), n + 1), s.trialEnd(), false, s.canceledAt(), null,
						null);
			}
		}
		return new Advanced(s, transitions, !s.equals(start));
	}

	/**
	 * A subscription moved to another plan at a period boundary: with the same billing
	 * interval the periods keep their anchor, otherwise (or at a trial's end) they are
	 * counted from the boundary.
	 */
	private static Subscription onPlanFrom(Subscription s, BillingInterval currentInterval, Plan plan,
			Instant boundary) {
		var interval = plan.definition().interval();
		boolean keepAnchor = interval == currentInterval && s.status() == SubscriptionStatus.ACTIVE;
		var anchor = keepAnchor ? s.periodAnchor() : boundary;
		long n = periodsBefore(interval, anchor, boundary);
		return new Subscription(s.id(), s.customerId(), plan.key(), plan.version(), SubscriptionStatus.ACTIVE,
				s.startedAt(), anchor, periodStart(interval, anchor, n), periodStart(interval, anchor, n + 1),
				s.trialEnd(), false, null, null, null);
	}

	/**
	 * Asks for a change to take effect at the end of the current period, replacing one
	 * asked before and a cancellation scheduled for then.
	 */
	static Subscription schedule(Subscription s, Plan plan, boolean forced, Instant now) {
		return new Subscription(s.id(), s.customerId(), s.planKey(), s.planVersion(), s.status(), s.startedAt(),
				s.periodAnchor(), s.currentPeriodStart(), s.currentPeriodEnd(), s.trialEnd(), false, null, null,
				new Subscription.PendingChange(plan.key(), plan.version(), now, forced));
	}

	static Instant periodStart(BillingInterval interval, Instant anchor, long n) {
		return interval.periodStart(anchor.atZone(ZoneOffset.UTC), n).toInstant();
	}

	/** The number n of the period holding {@code now}: start(n) <= now < start(n + 1). */
	static long periodsBefore(BillingInterval interval, Instant anchor, Instant now) {
		var unit = interval == BillingInterval.MONTH ? ChronoUnit.MONTHS : ChronoUnit.YEARS;
		long n = Math.max(0, unit.between(anchor.atZone(ZoneOffset.UTC), now.atZone(ZoneOffset.UTC)));
		while (n > 0 && periodStart(interval, anchor, n).isAfter(now)) {
			n--;
		}
		while (!periodStart(interval, anchor, n + 1).isAfter(now)) {
			n++;
		}
		return n;
	}

	/** Ends a subscription for good (the customer was deleted). */
	static Subscription end(Subscription s, Instant now) {
		return new Subscription(s.id(), s.customerId(), s.planKey(), s.planVersion(), SubscriptionStatus.CANCELED,
				s.startedAt(), s.periodAnchor(), s.currentPeriodStart(), s.currentPeriodEnd(), s.trialEnd(), false,
				s.canceledAt() == null ? now : s.canceledAt(), now, null);
	}

	static Subscription scheduleCancel(Subscription s, @Nullable Instant canceledAt) {
		return new Subscription(s.id(), s.customerId(), s.planKey(), s.planVersion(), s.status(), s.startedAt(),
				s.periodAnchor(), s.currentPeriodStart(), s.currentPeriodEnd(), s.trialEnd(), canceledAt != null,
				canceledAt, null, canceledAt != null ? null : s.pending());
	}

}

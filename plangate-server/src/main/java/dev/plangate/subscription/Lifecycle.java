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

	/**
	 * What becomes of a past-due subscription.
	 *
	 * @param grace how long it keeps its plan's entitlements
	 * @param toDefaultPlan whether it then moves to the default plan (else it becomes
	 * unpaid)
	 */
	record Dunning(Duration grace, boolean toDefaultPlan) {
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
					null, null, null, null);
		}
		return onPlan(s.id(), s.customerId(), plan, trial, s.startedAt(), now);
	}

	private static Subscription onPlan(UUID id, String customerId, Plan plan, boolean trial, Instant startedAt,
			Instant now) {
		int trialDays = plan.definition().trialDays();
		if (trial && trialDays > 0) {
			var trialEnd = now.plus(Duration.ofDays(trialDays));
			return new Subscription(id, customerId, plan.key(), plan.version(), SubscriptionStatus.TRIALING, startedAt,
					now, now, trialEnd, trialEnd, false, null, null, null, null);
		}
		var interval = plan.definition().interval();
		return new Subscription(id, customerId, plan.key(), plan.version(), SubscriptionStatus.ACTIVE, startedAt, now,
				now, periodStart(interval, now, 1), null, false, null, null, null, null);
	}

	/**
	 * Moves a subscription on to {@code now}: a trial that ended becomes active, a
	 * cancellation due at a period's end returns the customer to the default plan, a
	 * pending change due moves it to the pending plan, a past-due subscription whose
	 * grace ended becomes unpaid or moves to the default plan, and the current period
	 * becomes the one holding {@code now}. The default plan is looked up only when a
	 * cancellation falls due.
	 * @param pendingPlan the plan version a pending change moves to when it falls due, or
	 * null when the change may no longer happen (the subscription then stays on its plan)
	 */
	static Advanced advance(Subscription start, Instant now, Function<Subscription, BillingInterval> intervalOf,
			Supplier<Plan> defaultPlan, Function<Subscription, @Nullable Plan> pendingPlan, Dunning dunning) {
		var s = start;
		var transitions = new ArrayList<Transition>();
		while (s.status().isLive()) {
			var graceEnd = graceEnd(s, dunning);
			if (graceEnd != null && !now.isBefore(graceEnd) && !graceEnd.isAfter(s.currentPeriodEnd())) {
				var from = s;
				s = dunning.toDefaultPlan() ? onDefaultPlan(s, defaultPlan.get(), graceEnd) : unpaid(s);
				transitions.add(new Transition("grace_ended", from.planKey(), from.planVersion(), s));
				continue;
			}
			if (now.isBefore(s.currentPeriodEnd())) {
				break;
			}
			var boundary = s.currentPeriodEnd();
			if (s.cancelAtPeriodEnd()) {
				var from = s;
				s = onDefaultPlan(s, defaultPlan.get(), boundary);
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
						s.cancelAtPeriodEnd(), s.canceledAt(), null, s.pending(), null);
				transitions.add(new Transition("trial_ended", s.planKey(), s.planVersion(), s));
			}
			else {
				var interval = intervalOf.apply(s);
				long n = periodsBefore(interval, s.periodAnchor(), now);
				s = new Subscription(s.id(), s.customerId(), s.planKey(), s.planVersion(), s.status(), s.startedAt(),
						s.periodAnchor(), periodStart(interval, s.periodAnchor(), n),
						periodStart(interval, s.periodAnchor(), n + 1), s.trialEnd(), false, s.canceledAt(), null, null,
						s.pastDueSince());
			}
		}
		return new Advanced(s, transitions, !s.equals(start));
	}

	/** When a past-due subscription's grace ends; none for any other. */
	static @Nullable Instant graceEnd(Subscription s, Dunning dunning) {
		var since = s.pastDueSince();
		return s.status() == SubscriptionStatus.PAST_DUE && since != null ? since.plus(dunning.grace()) : null;
	}

	/**
	 * A subscription whose payment could not be collected: it keeps its plan, not the use
	 * of it.
	 */
	static Subscription unpaid(Subscription s) {
		return new Subscription(s.id(), s.customerId(), s.planKey(), s.planVersion(), SubscriptionStatus.UNPAID,
				s.startedAt(), s.periodAnchor(), s.currentPeriodStart(), s.currentPeriodEnd(), s.trialEnd(),
				s.cancelAtPeriodEnd(), s.canceledAt(), null, null, s.pastDueSince());
	}

	/**
	 * A subscription moved to the default plan from {@code at}, its periods from then.
	 */
	static Subscription onDefaultPlan(Subscription s, Plan plan, Instant at) {
		var interval = plan.definition().interval();
		return new Subscription(s.id(), s.customerId(), plan.key(), plan.version(), SubscriptionStatus.ACTIVE,
				s.startedAt(), at, at, periodStart(interval, at, 1), s.trialEnd(), false, null, null, null, null);
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
				s.trialEnd(), false, null, null, null, null);
	}

	/**
	 * Asks for a change to take effect at the end of the current period, replacing one
	 * asked before and a cancellation scheduled for then.
	 */
	static Subscription schedule(Subscription s, Plan plan, boolean forced, Instant now) {
		return new Subscription(s.id(), s.customerId(), s.planKey(), s.planVersion(), s.status(), s.startedAt(),
				s.periodAnchor(), s.currentPeriodStart(), s.currentPeriodEnd(), s.trialEnd(), false, null, null,
				new Subscription.PendingChange(plan.key(), plan.version(), now, forced), s.pastDueSince());
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
				s.canceledAt() == null ? now : s.canceledAt(), now, null, null);
	}

	static Subscription scheduleCancel(Subscription s, @Nullable Instant canceledAt) {
		return new Subscription(s.id(), s.customerId(), s.planKey(), s.planVersion(), s.status(), s.startedAt(),
				s.periodAnchor(), s.currentPeriodStart(), s.currentPeriodEnd(), s.trialEnd(), canceledAt != null,
				canceledAt, null, canceledAt != null ? null : s.pending(), s.pastDueSince());
	}

}

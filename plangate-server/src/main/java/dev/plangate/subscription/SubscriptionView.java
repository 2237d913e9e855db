package dev.plangate.subscription;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.plangate.catalog.Plan;
import dev.plangate.catalog.PlanView;

/**
 * A subscription as the API shows it.
 *
 * @param pendingChange a plan change that takes effect at {@code currentPeriodEnd}
 * @param pastDueSince when a renewal could not be collected, while it is not
 * @param graceEndsAt when a past-due subscription stops granting its plan's entitlements
 */
public record SubscriptionView(String id, String customerId, String status, PlanRef plan, Instant startedAt,
		Instant currentPeriodStart, Instant currentPeriodEnd, @Nullable Instant trialEnd, boolean cancelAtPeriodEnd,
		@Nullable Instant canceledAt, @Nullable Instant endedAt, @Nullable PendingChangeView pendingChange,
		@Nullable Instant pastDueSince, @Nullable Instant graceEndsAt) {

	/** The plan version subscribed to, enough to show it. */
	public record PlanRef(String key, int version, String name, PlanView.Price price, String interval) {

		static PlanRef of(Plan plan) {
			var d = plan.definition();
			return new PlanRef(plan.key(), plan.version(), d.name(), new PlanView.Price(d.price(), d.currency()),
					d.interval().id());
		}

	}

	/**
	 * A plan change waiting for the period's end.
	 *
	 * @param forced asked for although the customer held more than the plan allows
	 */
	public record PendingChangeView(PlanRef plan, Instant effectiveAt, Instant requestedAt, boolean forced) {
	}

	static SubscriptionView of(Subscription s, Plan plan, @Nullable Plan pendingPlan, @Nullable Instant graceEndsAt) {
		var pending = s.pending();
		return new SubscriptionView(s.id().toString(), s.customerId(), s.status().id(), PlanRef.of(plan), s.startedAt(),
				s.currentPeriodStart(), s.currentPeriodEnd(), s.trialEnd(), s.cancelAtPeriodEnd(), s.canceledAt(),
				s.endedAt(),
				pending == null || pendingPlan == null ? null : new PendingChangeView(PlanRef.of(pendingPlan),
						s.currentPeriodEnd(), pending.requestedAt(), pending.forced()),
				s.pastDueSince(), graceEndsAt);
	}
}

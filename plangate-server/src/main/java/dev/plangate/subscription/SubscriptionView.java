package dev.plangate.subscription;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.plangate.catalog.Plan;
import dev.plangate.catalog.PlanView;

/** A subscription as the API shows it. */
public record SubscriptionView(String id, String customerId, String status, PlanRef plan, Instant startedAt,
		Instant currentPeriodStart, Instant currentPeriodEnd, @Nullable Instant trialEnd, boolean cancelAtPeriodEnd,
		@Nullable Instant canceledAt, @Nullable Instant endedAt) {

	/** The plan version subscribed to, enough to show it. */
	public record PlanRef(String key, int version, String name, PlanView.Price price, String interval) {
	}

	static SubscriptionView of(Subscription s, Plan plan) {
		var d = plan.definition();
		return new SubscriptionView(s.id().toString(), s.customerId(), s.status().id(),
				new PlanRef(plan.key(), plan.version(), d.name(), new PlanView.Price(d.price(), d.currency()),
						d.interval().id()),
				s.startedAt(), s.currentPeriodStart(), s.currentPeriodEnd(), s.trialEnd(), s.cancelAtPeriodEnd(),
				s.canceledAt(), s.endedAt());
	}
}

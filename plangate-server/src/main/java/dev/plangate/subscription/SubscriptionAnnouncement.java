package dev.plangate.subscription;

import org.jspecify.annotations.Nullable;

/**
 * What the {@code subscription.*} events of the event catalog carry, and which of them a
 * recorded change is (docs/webhooks.md).
 *
 * @param subscription the subscription after the change
 * @param change the change as the subscription's history names it, such as
 * {@code plan_changed}, {@code migrated} or {@code scheduled_change_applied}
 * @param previous what it was before; absent for {@code subscription.created}
 */
record SubscriptionAnnouncement(SubscriptionView subscription, String change, @Nullable Previous previous) {

	/**
	 * The subscription before the change, enough to tell what changed.
	 *
	 * @param pendingChange the plan of the change that was scheduled, if one was
	 */
	record Previous(SubscriptionView.PlanRef plan, String status, boolean cancelAtPeriodEnd,
			SubscriptionView.@Nullable PlanRef pendingChange) {
	}

	/**
	 * The catalog type of a change: named by what happened to the subscription, so that a
	 * plan change reads the same whether asked through the API, made by the payment
	 * provider or applied at the period's end.
	 * @param before absent when the subscription starts
	 * @param action the change as the history records it
	 */
	static String type(@Nullable Subscription before, Subscription after, String action) {
		switch (action) {
			case "created":
				return "subscription.created";
			case "canceled":
			case "ended":
				return "subscription.cancelled";
			case "change_scheduled":
				return "subscription.change_scheduled";
			case "scheduled_change_canceled":
			case "scheduled_change_dropped":
				return "subscription.scheduled_change_cancelled";
			case "cancel_scheduled":
				return "subscription.cancel_scheduled";
			case "resumed":
				return "subscription.resumed";
			default:
				break;
		}
		if (before == null || !before.planKey().equals(after.planKey())
				|| before.planVersion() != after.planVersion()) {
			return "subscription.changed";
		}
		if (before.status() != after.status()) {
			return switch (after.status()) {
				case PAST_DUE -> "subscription.past_due";
				case UNPAID -> "subscription.unpaid";
				default -> "subscription.status_changed";
			};
		}
		if (before.cancelAtPeriodEnd() != after.cancelAtPeriodEnd()) {
			return after.cancelAtPeriodEnd() ? "subscription.cancel_scheduled" : "subscription.resumed";
		}
		if (before.pending() != null && after.pending() == null) {
			return "subscription.scheduled_change_cancelled";
		}
		return "subscription.updated";
	}

}

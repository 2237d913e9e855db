package dev.plangate.subscription;

import java.time.Duration;
import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How subscriptions change ({@code plangate.subscriptions.*}).
 *
 * @param scheduledChangeOverLimits what a plan change scheduled for the end of the period
 * does when, at that boundary, the customer holds more than the new plan allows (it was
 * checked when it was asked for, but the customer may have added since): {@code apply}
 * (the change happens; what is held above the limits stays, and nothing more can be
 * added) or {@code keep} (the change is dropped and the customer stays on its plan).
 * Either way the history and the audit log name the features over the limits. A change
 * asked for with {@code force} always applies.
 * @param pastDueGrace how long a past-due subscription (a renewal the payment provider
 * could not collect yet) keeps its plan's entitlements, counted from when it became past
 * due
 * @param pastDueOutcome what happens when the grace ends, and to a subscription the
 * payment provider marks unpaid: {@code suspend} (the subscription is unpaid: it keeps
 * its plan, whose entitlements cannot be used until a payment goes through) or
 * {@code default_plan} (the customer moves to the default plan)
 */
@ConfigurationProperties("plangate.subscriptions")
record SubscriptionSettings(@DefaultValue("apply") String scheduledChangeOverLimits,
		@DefaultValue("14d") Duration pastDueGrace, @DefaultValue("suspend") String pastDueOutcome) {

	SubscriptionSettings {
		scheduledChangeOverLimits = scheduledChangeOverLimits.trim().toLowerCase(Locale.ROOT);
		if (!scheduledChangeOverLimits.equals("apply") && !scheduledChangeOverLimits.equals("keep")) {
			throw new IllegalArgumentException(
					"plangate.subscriptions.scheduled-change-over-limits (PLANGATE_SUBSCRIPTIONS_SCHEDULED_CHANGE_OVER_LIMITS)"
							+ " must be 'apply' or 'keep', not '" + scheduledChangeOverLimits + "'");
		}
		if (pastDueGrace.isNegative() || pastDueGrace.compareTo(Duration.ofDays(365)) > 0) {
			throw new IllegalArgumentException("plangate.subscriptions.past-due-grace "
					+ "(PLANGATE_SUBSCRIPTIONS_PAST_DUE_GRACE) must be 0 to 365d, not " + pastDueGrace);
		}
		pastDueOutcome = pastDueOutcome.trim().toLowerCase(Locale.ROOT);
		if (!pastDueOutcome.equals("suspend") && !pastDueOutcome.equals("default_plan")) {
			throw new IllegalArgumentException("plangate.subscriptions.past-due-outcome "
					+ "(PLANGATE_SUBSCRIPTIONS_PAST_DUE_OUTCOME) must be 'suspend' or 'default_plan', not '"
					+ pastDueOutcome + "'");
		}
	}

	boolean keepOverLimits() {
		return scheduledChangeOverLimits.equals("keep");
	}

	Lifecycle.Dunning dunning() {
		return new Lifecycle.Dunning(pastDueGrace, pastDueOutcome.equals("default_plan"));
	}

}

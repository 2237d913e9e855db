package dev.plangate.subscription;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * How subscriptions change ({@code plangate.subscriptions.*}).
 *
 * @param scheduledChangeOverLimits what a plan change scheduled for the end of the period
 * does when, at that boundary, the customer holds more than the new plan allows:
 * {@code apply} (the change happens; what is held above the limits stays, and nothing
 * more can be added) or {@code keep} (the change is dropped and the customer stays on its
 * plan); a forced change always applies (docs/subscriptions.md)
 * @param pastDueGrace how long a past-due subscription (a renewal the payment provider
 * could not collect yet) keeps its plan's entitlements, counted from when it first became
 * past due, 0 to 365d (docs/billing.md)
 * @param pastDueOutcome what happens when the grace ends, and to a subscription the
 * payment provider marks unpaid: {@code suspend} (the subscription is unpaid: it keeps
 * its plan, whose entitlements cannot be used until a payment goes through) or
 * {@code default_plan} (the customer moves to the default plan)
 */
@ConfigurationProperties("plangate.subscriptions")
record SubscriptionSettings(@DefaultValue("apply") String scheduledChangeOverLimits,
		@DefaultValue("14d") Duration pastDueGrace, @DefaultValue("suspend") String pastDueOutcome) {

	SubscriptionSettings {
		scheduledChangeOverLimits = Settings.oneOf("plangate.subscriptions.scheduled-change-over-limits",
				scheduledChangeOverLimits, "apply", "keep");
		Settings.between("plangate.subscriptions.past-due-grace", pastDueGrace, Duration.ZERO, Duration.ofDays(365));
		pastDueOutcome = Settings.oneOf("plangate.subscriptions.past-due-outcome", pastDueOutcome, "suspend",
				"default_plan");
	}

	boolean keepOverLimits() {
		return scheduledChangeOverLimits.equals("keep");
	}

	Lifecycle.Dunning dunning() {
		return new Lifecycle.Dunning(pastDueGrace, pastDueOutcome.equals("default_plan"));
	}

}

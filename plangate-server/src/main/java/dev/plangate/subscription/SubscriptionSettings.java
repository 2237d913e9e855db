package dev.plangate.subscription;

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
 */
@ConfigurationProperties("plangate.subscriptions")
record SubscriptionSettings(@DefaultValue("apply") String scheduledChangeOverLimits) {

	SubscriptionSettings {
		scheduledChangeOverLimits = scheduledChangeOverLimits.trim().toLowerCase(Locale.ROOT);
		if (!scheduledChangeOverLimits.equals("apply") && !scheduledChangeOverLimits.equals("keep")) {
			throw new IllegalArgumentException(
					"plangate.subscriptions.scheduled-change-over-limits (PLANGATE_SUBSCRIPTIONS_SCHEDULED_CHANGE_OVER_LIMITS)"
							+ " must be 'apply' or 'keep', not '" + scheduledChangeOverLimits + "'");
		}
	}

	boolean keepOverLimits() {
		return scheduledChangeOverLimits.equals("keep");
	}

}

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
 * @param streamKeepAlive how often the entitlement stream ({@code GET
 * /v1/entitlements/stream}) sends a {@code ping} when it has nothing else to say, 100ms
 * to 5m: an SDK that hears nothing for longer than its staleness bound stops answering
 * from its cache (docs/sdk.md)
 * @param streamPoll how often each node reads the entitlement change log besides when the
 * event bus tells it to, 50ms to 1m
 * @param streamRetention how long changes are kept for streams to resume from, 1h to
 * 365d; an SDK resuming from an older point is told to drop its cache
 */
@ConfigurationProperties("plangate.subscriptions")
record SubscriptionSettings(@DefaultValue("apply") String scheduledChangeOverLimits,
		@DefaultValue("14d") Duration pastDueGrace, @DefaultValue("suspend") String pastDueOutcome,
		@DefaultValue("5s") Duration streamKeepAlive, @DefaultValue("1s") Duration streamPoll,
		@DefaultValue("7d") Duration streamRetention) {

	SubscriptionSettings {
		scheduledChangeOverLimits = Settings.oneOf("plangate.subscriptions.scheduled-change-over-limits",
				scheduledChangeOverLimits, "apply", "keep");
		Settings.between("plangate.subscriptions.past-due-grace", pastDueGrace, Duration.ZERO, Duration.ofDays(365));
		pastDueOutcome = Settings.oneOf("plangate.subscriptions.past-due-outcome", pastDueOutcome, "suspend",
				"default_plan");
		Settings.between("plangate.subscriptions.stream-keep-alive", streamKeepAlive, Duration.ofMillis(100),
				Duration.ofMinutes(5));
		Settings.between("plangate.subscriptions.stream-poll", streamPoll, Duration.ofMillis(50),
				Duration.ofMinutes(1));
		Settings.between("plangate.subscriptions.stream-retention", streamRetention, Duration.ofHours(1),
				Duration.ofDays(365));
	}

	boolean keepOverLimits() {
		return scheduledChangeOverLimits.equals("keep");
	}

	Lifecycle.Dunning dunning() {
		return new Lifecycle.Dunning(pastDueGrace, pastDueOutcome.equals("default_plan"));
	}

}

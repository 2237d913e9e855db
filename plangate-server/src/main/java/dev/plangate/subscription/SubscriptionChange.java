package dev.plangate.subscription;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/** One entry of a subscription's history. */
public record SubscriptionChange(long id, Instant changedAt, String action, @Nullable String fromPlan,
		@Nullable Integer fromVersion, @Nullable String toPlan, @Nullable Integer toVersion, String status,
		String actor) {
}

package dev.plangate.client;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * An alert fired for a customer's quota, from its alert history.
 *
 * @param type {@code usage.threshold_reached} or {@code quota.exceeded}
 * @param threshold the percent of the limit reached; absent for {@code quota.exceeded}
 * @param used the period's total the event left (for a refusal, the total it met)
 * @param limit the allowance (plan or override), grants not counted
 * @param periodEnd absent for a lifetime quota
 * @param eventId the consume or usage event that fired it
 */
public record UsageAlert(String type, String feature, @Nullable Integer threshold, long used, long limit,
		Instant periodStart, @Nullable Instant periodEnd, String eventId, Instant firedAt) {
}

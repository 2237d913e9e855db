package dev.plangate.metering;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * The overage a customer's consumes of one quota took in one period: what is billed for
 * it.
 *
 * @param periodEnd when the period ended; absent while it has not
 * @param units the units admitted beyond the allowance and the grants
 */
public record PeriodOverage(String customerId, String feature, Instant periodStart, @Nullable Instant periodEnd,
		long units) {
}

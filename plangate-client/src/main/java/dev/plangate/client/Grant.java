package dev.plangate.client;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An extra amount of a per-period quota for one customer (credits, an emergency pool),
 * drawn once the plan's allowance is spent.
 *
 * @param drawn what consumes have drawn from it so far
 * @param status {@code active}, {@code scheduled}, {@code awaiting_payment},
 * {@code spent}, {@code expired} or {@code revoked}
 * @param price what the customer pays for it; absent for a free grant
 */
public record Grant(UUID id, String customerId, String feature, long amount, long remaining, long drawn, String status,
		@Nullable String reason, Instant startsAt, @Nullable Instant expiresAt, String createdBy, Instant createdAt,
		@Nullable Instant revokedAt, Subscription.@Nullable Price price, @Nullable String payment) {
}

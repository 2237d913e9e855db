package dev.plangate.metering;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An extra amount of one quota for one customer, drawn once the plan's allowance for the
 * period is spent.
 *
 * @param remaining what has not been drawn yet
 * @param expiresAt when what remains is forfeited; never when absent
 */
public record Grant(UUID id, String customerId, String feature, long amount, long remaining, @Nullable String reason,
		Instant startsAt, @Nullable Instant expiresAt, String createdBy, Instant createdAt,
		@Nullable Instant revokedAt) {

	/** May be drawn on at {@code now}: started, not expired, not revoked. */
	public boolean activeAt(Instant now) {
		return revokedAt == null && !startsAt.isAfter(now) && (expiresAt == null || expiresAt.isAfter(now));
	}

	/**
	 * {@code active}, {@code scheduled}, {@code spent}, {@code expired} or
	 * {@code revoked}.
	 */
	public String statusAt(Instant now) {
		if (revokedAt != null) {
			return "revoked";
		}
		if (expiresAt != null && !expiresAt.isAfter(now)) {
			return "expired";
		}
		if (startsAt.isAfter(now)) {
			return "scheduled";
		}
		return remaining == 0 ? "spent" : "active";
	}

}

package dev.plangate.metering;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.plangate.catalog.PlanView;

/**
 * An extra amount of one quota for one customer, drawn once the plan's allowance for the
 * period is spent.
 *
 * @param remaining what has not been drawn yet
 * @param expiresAt when what remains is forfeited; never when absent
 * @param price what the customer pays for it; absent for a free grant
 * @param payment for a priced grant: {@code immediate} (drawn on once paid) or
 * {@code deferred} (billed on the customer's next invoice, drawn on at once)
 * @param awaitingPayment not drawn on until its payment arrives
 */
public record Grant(UUID id, String customerId, String feature, long amount, long remaining, @Nullable String reason,
		Instant startsAt, @Nullable Instant expiresAt, String createdBy, Instant createdAt, @Nullable Instant revokedAt,
		PlanView.@Nullable Price price, @Nullable String payment, boolean awaitingPayment) {

	/**
	 * May be drawn on at {@code now}: paid for, started, not expired, not revoked.
	 */
	public boolean activeAt(Instant now) {
		return revokedAt == null && !awaitingPayment && !startsAt.isAfter(now)
				&& (expiresAt == null || expiresAt.isAfter(now));
	}

	/**
	 * {@code active}, {@code scheduled}, {@code awaiting_payment}, {@code spent},
	 * {@code expired} or {@code revoked}.
	 */
	public String statusAt(Instant now) {
		if (revokedAt != null) {
			return "revoked";
		}
		if (awaitingPayment) {
			return "awaiting_payment";
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

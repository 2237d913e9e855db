package dev.plangate.identity.account;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An operator viewing as an end user's account, for a short while.
 *
 * @param id the impersonation token's {@code jti}
 * @param operatorLogin the operator's email, else its username
 * @param accountLogin the account's email, else its username
 * @param customerId the account's customer
 * @param mode {@code read_only} or {@code read_write}
 * @param endedBy who ended it early ({@code account:<id>}, {@code api_key:<prefix>})
 */
public record Impersonation(UUID id, UUID operatorId, String operatorLogin, UUID accountId, String accountLogin,
		String customerId, String reason, String mode, Instant startedAt, Instant expiresAt, @Nullable Instant endedAt,
		@Nullable String endedBy) {

	public static final String READ_ONLY = "read_only";

	public static final String READ_WRITE = "read_write";

	public boolean readOnly() {
		return READ_ONLY.equals(mode);
	}

	/** Neither ended nor expired at {@code now}. */
	public boolean isActive(Instant now) {
		return endedAt == null && now.isBefore(expiresAt);
	}

}

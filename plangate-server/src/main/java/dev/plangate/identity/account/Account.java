package dev.plangate.identity.account;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.plangate.customer.CustomerStatus;

/**
 * A person who signs in: a customer of kind {@code user}, whose status is the account's.
 * Never carries its password hash or second-factor secret.
 */
public record Account(UUID id, String customerId, @Nullable String email, @Nullable Instant emailVerifiedAt,
		@Nullable String username, AccountRole role, CustomerStatus status, boolean mustChangePassword,
		@Nullable Instant twoFactorEnabledAt, Instant createdAt, Instant updatedAt) {

	public boolean isEmailVerified() {
		return emailVerifiedAt != null;
	}

	public boolean hasTwoFactor() {
		return twoFactorEnabledAt != null;
	}

	public boolean isActive() {
		return status == CustomerStatus.ACTIVE;
	}

}

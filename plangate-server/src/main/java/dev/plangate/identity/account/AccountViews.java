package dev.plangate.identity.account;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** How accounts, sessions and sign-ins are shown over HTTP. */
public final class AccountViews {

	private AccountViews() {
	}

	public record AccountView(UUID id, String customerId, @Nullable String email, boolean emailVerified,
			@Nullable String username, String role, String status, boolean twoFactorEnabled, boolean mustChangePassword,
			Instant createdAt) {

		public static AccountView of(Account a) {
			return new AccountView(a.id(), a.customerId(), a.email(), a.isEmailVerified(), a.username(), a.role().id(),
					a.status().id(), a.hasTwoFactor(), a.mustChangePassword(), a.createdAt());
		}
	}

	record SessionView(UUID id, @Nullable String userAgent, @Nullable String ip, Instant createdAt, Instant lastSeenAt,
			Instant expiresAt, boolean current) {

		static SessionView of(Session s, @Nullable UUID current) {
			return new SessionView(s.id(), s.userAgent(), s.ip(), s.createdAt(), s.lastSeenAt(), s.expiresAt(),
					s.id().equals(current));
		}
	}

	/** An answer that says what happens next, and no more. */
	public record Accepted(String status, String detail) {
	}

}

package dev.plangate.identity;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** How accounts, sessions and sign-ins are shown over HTTP. */
final class AccountViews {

	private AccountViews() {
	}

	record AccountView(UUID id, String customerId, @Nullable String email, boolean emailVerified,
			@Nullable String username, String role, String status, boolean twoFactorEnabled, boolean mustChangePassword,
			Instant createdAt) {

		static AccountView of(Account a) {
			return new AccountView(a.id(), a.customerId(), a.email(), a.isEmailVerified(), a.username(), a.role().id(),
					a.status().id(), a.hasTwoFactor(), a.mustChangePassword(), a.createdAt());
		}
	}

	/**
	 * A sign-in: the access token for API calls, the refresh token to get the next ones.
	 */
	record SignInView(String accessToken, String tokenType, long expiresIn, Instant expiresAt, String refreshToken,
			Instant refreshTokenExpiresAt, UUID sessionId, AccountView account) {

		static SignInView of(LoginService.SignedIn s, Instant now) {
			var claims = s.accessToken().claims();
			return new SignInView(s.accessToken().token(), "Bearer",
					Math.max(0, claims.expiresAt().getEpochSecond() - now.getEpochSecond()), claims.expiresAt(),
					s.refreshToken(), s.refreshExpiresAt(), s.session().id(), AccountView.of(s.account()));
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
	record Accepted(String status, String detail) {
	}

}

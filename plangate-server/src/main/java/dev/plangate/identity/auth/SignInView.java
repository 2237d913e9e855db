package dev.plangate.identity.auth;

import java.time.Instant;
import java.util.UUID;

import dev.plangate.identity.account.AccountViews.AccountView;

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

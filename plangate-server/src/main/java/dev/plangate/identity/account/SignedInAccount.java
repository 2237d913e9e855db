package dev.plangate.identity.account;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.plangate.identity.token.TokenKind;
import dev.plangate.identity.token.TokenPrincipal;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/** The account whose access token authenticated the current request. */
public record SignedInAccount(UUID accountId, @Nullable UUID sessionId) {

	/**
	 * @throws PlangateException {@code unauthenticated} without an access token,
	 * {@code forbidden} for any other credential
	 */
	public static SignedInAccount current() {
		var authentication = SecurityContextHolder.getContext().getAuthentication();
		var principal = authentication == null ? null : authentication.getPrincipal();
		if (principal instanceof TokenPrincipal token && token.claims().kind() == TokenKind.ACCOUNT) {
			return new SignedInAccount(UUID.fromString(token.claims().subject()), token.claims().sessionId());
		}
		if (principal == null || principal instanceof String) {
			throw new PlangateException(ErrorCode.UNAUTHENTICATED,
					"An account's access token is required: 'Authorization: Bearer <accessToken>' from /v1/auth/login")
				.withHeader("WWW-Authenticate", "Bearer");
		}
		throw new PlangateException(ErrorCode.FORBIDDEN,
				"Only an account's access token (from /v1/auth/login) may do this, not this credential");
	}

}

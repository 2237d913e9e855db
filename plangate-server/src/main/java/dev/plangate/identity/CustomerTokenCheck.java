package dev.plangate.identity;

import java.time.Instant;
import java.util.Optional;

import org.springframework.stereotype.Service;

import dev.plangate.identity.token.AccessTokens;
import dev.plangate.identity.token.TokenKind;

/**
 * Whether a customer-scoped token (from {@code POST /v1/customer-tokens}) is valid, for a
 * web page the product links its end users to with one: signed by Plangate, in its time,
 * not revoked.
 */
@Service
public class CustomerTokenCheck {

	private final AccessTokens tokens;

	CustomerTokenCheck(AccessTokens tokens) {
		this.tokens = tokens;
	}

	/** The customer a token lets its bearer see, until when. */
	public record Holder(String customerId, Instant expiresAt) {
	}

	/** Empty for anything but a valid customer-scoped token. */
	public Optional<Holder> check(String token) {
		return tokens.authenticate(token)
			.filter(claims -> claims.kind() == TokenKind.CUSTOMER && claims.customerId() != null)
			.map(claims -> new Holder(claims.customerId(), claims.expiresAt()));
	}

}

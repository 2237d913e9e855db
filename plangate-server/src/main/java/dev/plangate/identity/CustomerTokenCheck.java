package dev.plangate.identity;

import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import dev.plangate.identity.token.AccessTokens;
import dev.plangate.identity.token.TokenKind;

/**
 * Whether a customer-scoped token (from {@code POST /v1/customer-tokens}) or an
 * impersonation token (from {@code POST /v1/admin/impersonations}) is valid, for a web
 * page the product links its end users to with one: signed by Plangate, in its time, not
 * revoked (nor ended).
 */
@Service
public class CustomerTokenCheck {

	private final AccessTokens tokens;

	private final OperatorImpersonation impersonations;

	CustomerTokenCheck(AccessTokens tokens, OperatorImpersonation impersonations) {
		this.tokens = tokens;
		this.impersonations = impersonations;
	}

	/**
	 * The customer a token lets its bearer see, until when.
	 *
	 * @param viewingAs the operator viewing as the customer's end user, for an
	 * impersonation token
	 */
	public record Holder(String customerId, Instant expiresAt, OperatorImpersonation.@Nullable ViewingAs viewingAs) {
	}

	/**
	 * Empty for anything but a valid customer-scoped token or impersonation token.
	 */
	public Optional<Holder> check(String token) {
		var verified = tokens.authenticate(token);
		if (verified.isEmpty() || verified.get().customerId() == null) {
			return Optional.empty();
		}
		var claims = verified.get();
		if (claims.kind() == TokenKind.CUSTOMER) {
			return Optional.of(new Holder(claims.customerId(), claims.expiresAt(), null));
		}
		return impersonations.find(claims)
			.map(viewingAs -> new Holder(viewingAs.customerId(), claims.expiresAt(), viewingAs));
	}

}

package dev.plangate.identity.token;

import java.util.Locale;
import java.util.Optional;

/**
 * What an access token is for, told by its JOSE {@code typ} header (and its {@code kind}
 * claim): an account's access token from Plangate's own login, or a customer-scoped token
 * minted by the product's backend for one of its users.
 */
public enum TokenKind {

	ACCOUNT("at+jwt"), CUSTOMER("customer+jwt");

	private final String type;

	TokenKind(String type) {
		this.type = type;
	}

	/** The JOSE {@code typ} header value. */
	public String type() {
		return type;
	}

	/** The {@code kind} claim value. */
	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	static Optional<TokenKind> ofType(String type) {
		for (var kind : values()) {
			if (kind.type.equalsIgnoreCase(type)) {
				return Optional.of(kind);
			}
		}
		return Optional.empty();
	}

}

package dev.plangate.identity.token;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.plangate.platform.Actor;

/** The caller is an end user holding an access token. */
public record TokenPrincipal(AccessClaims claims) implements Actor.CustomerScoped {

	private static final Set<String> ACCOUNT_ROLES = Set.of("user", "admin", "superadmin");

	@Override
	public @Nullable String customerId() {
		return claims.customerId();
	}

	@Override
	public String actorName() {
		return switch (claims.kind()) {
			case ACCOUNT -> "account:" + claims.subject();
			case CUSTOMER -> "customer_token:" + claims.customerId();
		};
	}

	/**
	 * {@code ROLE_CUSTOMER} for a customer-scoped token; the account roles the token
	 * names for an account's (anything else it names grants nothing).
	 */
	public List<String> authorities() {
		return switch (claims.kind()) {
			case CUSTOMER -> List.of("ROLE_CUSTOMER");
			case ACCOUNT -> claims.roles()
				.stream()
				.filter(ACCOUNT_ROLES::contains)
				.distinct()
				.map(role -> "ROLE_" + role.toUpperCase(Locale.ROOT))
				.toList();
		};
	}

}

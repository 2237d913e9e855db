package dev.plangate.identity.token;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContextHolder;

import dev.plangate.platform.Actor;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/** The caller is an end user holding an access token. */
public record TokenPrincipal(AccessClaims claims) implements Actor.CustomerScoped {

	private static final Set<String> ACCOUNT_ROLES = Set.of("user", "support", "admin", "superadmin");

	/**
	 * The access token (or personal key) that authenticated the current request.
	 * @throws PlangateException {@code forbidden} for any other credential
	 */
	public static TokenPrincipal current() {
		var authentication = SecurityContextHolder.getContext().getAuthentication();
		if (authentication != null && authentication.getPrincipal() instanceof TokenPrincipal principal) {
			return principal;
		}
		throw new PlangateException(ErrorCode.FORBIDDEN,
				"/v1/me/… answers for the end user holding an access token, not for this credential");
	}

	@Override
	public @Nullable String customerId() {
		return claims.customerId();
	}

	/** {@code account:<operator id>} on an impersonation token. */
	@Override
	public @Nullable String impersonatedBy() {
		var impersonation = claims.impersonation();
		return impersonation == null ? null : "account:" + impersonation.operatorId();
	}

	@Override
	public List<String> roles() {
		return claims.roles();
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

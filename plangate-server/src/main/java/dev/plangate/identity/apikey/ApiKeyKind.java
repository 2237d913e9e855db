package dev.plangate.identity.apikey;

import java.util.Locale;

/**
 * What a key may do, told by its prefix: a server key is the product's backend and may
 * call everything; a worker key belongs to the product's workers and may only take and
 * report batch operations ({@code /v1/worker/**}); a personal key belongs to an account
 * and acts as it on {@code /v1/me/**} within its scopes. Server and worker keys are
 * {@link ApiKeyService}'s, personal keys {@link PersonalApiKeyService}'s; all share one
 * format ({@link ApiKeySecret}).
 */
public enum ApiKeyKind {

	SERVER("pg_sk_", "ROLE_SERVER"), WORKER("pg_wk_", "ROLE_WORKER"), PERSONAL("pg_pk_", "ROLE_PERSONAL_KEY");

	private final String prefix;

	private final String role;

	ApiKeyKind(String prefix, String role) {
		this.prefix = prefix;
		this.role = role;
	}

	String prefix() {
		return prefix;
	}

	String role() {
		return role;
	}

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	static ApiKeyKind of(String id) {
		return valueOf(id.toUpperCase(Locale.ROOT));
	}

}

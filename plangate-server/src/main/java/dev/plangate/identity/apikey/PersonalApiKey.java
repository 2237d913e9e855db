package dev.plangate.identity.apikey;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** An account's personal API key as stored and listed: never its secret. */
public record PersonalApiKey(UUID id, UUID accountId, String name, String prefix, Set<PersonalKeyScope> scopes,
		Instant createdAt, @Nullable Instant expiresAt, @Nullable Instant lastUsedAt, @Nullable Instant revokedAt) {

	public PersonalApiKey {
		scopes = Set.copyOf(scopes);
	}

	public boolean isActive(Instant now) {
		return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
	}

	/** {@code active}, {@code expired} or {@code revoked}. */
	public String status(Instant now) {
		if (revokedAt != null) {
			return "revoked";
		}
		return isActive(now) ? "active" : "expired";
	}

	public boolean mayWrite() {
		return scopes.contains(PersonalKeyScope.WRITE);
	}

}

package dev.plangate.identity.apikey;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** An API key as stored and listed: never its secret. */
public record ApiKey(UUID id, String name, ApiKeyKind kind, String prefix, Instant createdAt, String createdBy,
		@Nullable Instant lastUsedAt, @Nullable Instant revokedAt) {

	public boolean isActive() {
		return revokedAt == null;
	}
}

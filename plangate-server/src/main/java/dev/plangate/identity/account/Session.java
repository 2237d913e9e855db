package dev.plangate.identity.account;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** One sign-in on one device; its refresh tokens form one family. */
public record Session(UUID id, UUID accountId, @Nullable String userAgent, @Nullable String ip, Instant createdAt,
		Instant lastSeenAt, Instant expiresAt, @Nullable Instant revokedAt, @Nullable String revokedReason) {

	public boolean isActive(Instant now) {
		return revokedAt == null && expiresAt.isAfter(now);
	}

}

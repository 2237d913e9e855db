package dev.plangate.identity.organization;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An invitation to join an organization, sent to an email address. Its token is mailed
 * and never stored: only its SHA-256.
 */
public record Invitation(UUID id, String organizationId, String email, OrganizationRole role, UUID invitedBy,
		Instant createdAt, Instant expiresAt, @Nullable Instant acceptedAt, @Nullable Instant revokedAt) {

	boolean isPending(Instant now) {
		return acceptedAt == null && revokedAt == null && expiresAt.isAfter(now);
	}

}

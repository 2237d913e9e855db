package dev.plangate.identity.organization;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** An account's place in an organization (a customer of kind {@code organization}). */
public record Membership(String organizationId, UUID accountId, OrganizationRole role, Instant joinedAt) {

	/** A member as others in the organization see it. */
	public record Member(UUID accountId, @Nullable String email, @Nullable String username, OrganizationRole role,
			Instant joinedAt) {
	}

	/** One of an account's organizations, with the account's role. */
	public record OfAccount(String organizationId, @Nullable String name, String status, OrganizationRole role,
			Instant joinedAt) {
	}

}

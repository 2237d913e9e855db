package dev.plangate.identity.organization;

import java.util.Locale;
import java.util.Optional;

/**
 * What a member may do in an organization: an owner everything, an admin manage members
 * and invitations below owner, a member use the shared plan.
 */
public enum OrganizationRole {

	OWNER, ADMIN, MEMBER;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** The role as an access token names it: {@code org_owner}, {@code org_admin}, … */
	String tokenRole() {
		return "org_" + id();
	}

	public boolean canManageMembers() {
		return this != MEMBER;
	}

	public static Optional<OrganizationRole> find(String id) {
		for (var role : values()) {
			if (role.id().equals(id)) {
				return Optional.of(role);
			}
		}
		return Optional.empty();
	}

	static OrganizationRole of(String id) {
		return find(id).orElseThrow(() -> new IllegalStateException("Unknown organization role '" + id + "'"));
	}

}

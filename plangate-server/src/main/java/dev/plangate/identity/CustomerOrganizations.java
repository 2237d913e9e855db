package dev.plangate.identity;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import dev.plangate.identity.organization.OrganizationDirectory;

/**
 * The organizations as the console shows them on a customer's page: those its accounts
 * belong to, with their member counts, and the members of a customer that is an
 * organization.
 */
@Service
public class CustomerOrganizations {

	private final OrganizationDirectory directory;

	CustomerOrganizations(OrganizationDirectory directory) {
		this.directory = directory;
	}

	/**
	 * One organization an account of the customer belongs to.
	 *
	 * @param role the account's role in it
	 * @param members how many accounts belong to it
	 */
	public record Joined(String organizationId, @Nullable String name, String status, String role, long members) {
	}

	/** Of the customer's accounts, the organizations that are not deleted, by id. */
	public List<Joined> of(String customerId) {
		return directory.ofCustomer(customerId)
			.stream()
			.map(j -> new Joined(j.organizationId(), j.name(), j.status(), j.role(), j.members()))
			.toList();
	}

	/** How many accounts belong to the organization (none when it is not one). */
	public long members(String organizationId) {
		return directory.members(organizationId);
	}

}

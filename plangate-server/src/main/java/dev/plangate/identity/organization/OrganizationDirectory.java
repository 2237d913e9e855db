package dev.plangate.identity.organization;

import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

/**
 * The organizations a customer's accounts belong to, and an organization's member count,
 * for the back office ({@code dev.plangate.identity.CustomerOrganizations}): each read in
 * one query, whatever the number of organizations.
 */
@Service
public class OrganizationDirectory {

	private final OrganizationRepository repository;

	OrganizationDirectory(OrganizationRepository repository) {
		this.repository = repository;
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
	public List<Joined> ofCustomer(String customerId) {
		return repository.organizationsOfCustomer(customerId);
	}

	/** How many accounts belong to the organization (none when it is not one). */
	public long members(String organizationId) {
		return repository.countMembers(organizationId);
	}

}

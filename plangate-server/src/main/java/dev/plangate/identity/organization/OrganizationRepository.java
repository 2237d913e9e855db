package dev.plangate.identity.organization;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

/** Memberships and invitations; every query names the organization or the account. */
@Repository
class OrganizationRepository {

	private final JdbcClient jdbc;

	OrganizationRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Locks the organization's customer row: every change of its members and invitations
	 * holds it, so counts taken under it stay true until commit.
	 * @return whether the organization exists as a customer of kind {@code organization}
	 */
	boolean lockOrganization(String organizationId) {
		return jdbc.sql("select customer_id from customer where customer_id = :id and kind = 'organization' for update")
			.param("id", organizationId)
			.query(String.class)
			.optional()
			.isPresent();
	}

	// memberships

	void insertMembership(Membership membership) {
		jdbc.sql("""
				insert into membership (organization_id, account_id, role, joined_at)
				values (:organization, :account, :role, :at)""")
			.param("organization", membership.organizationId())
			.param("account", membership.accountId())
			.param("role", membership.role().id())
			.param("at", Timestamps.sql(membership.joinedAt()))
			.update();
	}

	Optional<Membership> membership(String organizationId, UUID accountId) {
		return jdbc.sql("select * from membership where organization_id = :organization and account_id = :account")
			.param("organization", organizationId)
			.param("account", accountId)
			.query(OrganizationRepository::membershipRow)
			.optional();
	}

	/** The account's organizations that are not deleted, oldest membership first. */
	List<Membership.OfAccount> organizationsOf(UUID accountId) {
		return jdbc.sql("""
				select m.organization_id, c.name, c.status, m.role, m.joined_at from membership m
				join customer c on c.customer_id = m.organization_id
				where m.account_id = :account and c.status <> 'deleted'
				order by m.joined_at, m.organization_id""")
			.param("account", accountId)
			.query((rs, n) -> new Membership.OfAccount(rs.getString("organization_id"), rs.getString("name"),
					rs.getString("status"), OrganizationRole.of(rs.getString("role")),
					Timestamps.readRequired(rs, "joined_at")))
			.list();
	}

	/** Of the customer's accounts, the organizations that are not deleted, by id. */
	List<OrganizationDirectory.Joined> organizationsOfCustomer(String customerId) {
		return jdbc.sql("""
				select m.organization_id, c.name, c.status, m.role,
				       (select count(*) from membership n where n.organization_id = m.organization_id) as members
				from membership m
				join account a on a.id = m.account_id
				join customer c on c.customer_id = m.organization_id
				where a.customer_id = :customer and c.status <> 'deleted'
				order by m.organization_id""")
			.param("customer", customerId)
			.query((rs, n) -> new OrganizationDirectory.Joined(rs.getString("organization_id"), rs.getString("name"),
					rs.getString("status"), rs.getString("role"), rs.getLong("members")))
			.list();
	}

	List<Membership.Member> members(String organizationId) {
		return jdbc.sql("""
				select m.account_id, a.email, a.username, m.role, m.joined_at from membership m
				join account a on a.id = m.account_id
				where m.organization_id = :organization
				order by m.joined_at, m.account_id""")
			.param("organization", organizationId)
			.query((rs, n) -> new Membership.Member(rs.getObject("account_id", UUID.class), rs.getString("email"),
					rs.getString("username"), OrganizationRole.of(rs.getString("role")),
					Timestamps.readRequired(rs, "joined_at")))
			.list();
	}

	List<Membership> memberships(String organizationId) {
		return jdbc.sql("select * from membership where organization_id = :organization")
			.param("organization", organizationId)
			.query(OrganizationRepository::membershipRow)
			.list();
	}

	List<Membership> membershipsOfAccount(UUID accountId) {
		return jdbc.sql("select * from membership where account_id = :account")
			.param("account", accountId)
			.query(OrganizationRepository::membershipRow)
			.list();
	}

	long countMembers(String organizationId) {
		return jdbc.sql("select count(*) from membership where organization_id = :organization")
			.param("organization", organizationId)
			.query(Long.class)
			.single();
	}

	long countOwners(String organizationId) {
		return jdbc.sql("select count(*) from membership where organization_id = :organization and role = 'owner'")
			.param("organization", organizationId)
			.query(Long.class)
			.single();
	}

	void setRole(String organizationId, UUID accountId, OrganizationRole role) {
		jdbc.sql("update membership set role = :role where organization_id = :organization and account_id = :account")
			.param("role", role.id())
			.param("organization", organizationId)
			.param("account", accountId)
			.update();
	}

	void deleteMembership(String organizationId, UUID accountId) {
		jdbc.sql("delete from membership where organization_id = :organization and account_id = :account")
			.param("organization", organizationId)
			.param("account", accountId)
			.update();
	}

	/** The account whose customer this is, if it is an account's. */
	Optional<UUID> accountOfCustomer(String customerId) {
		return jdbc.sql("select id from account where customer_id = :customer")
			.param("customer", customerId)
			.query(UUID.class)
			.optional();
	}

	// invitations

	void insertInvitation(Invitation invitation, String tokenHash) {
		jdbc.sql(
				"""
						insert into invitation (id, organization_id, email, role, token_hash, invited_by, created_at, expires_at)
						values (:id, :organization, :email, :role, :hash, :invitedBy, :at, :expires)""")
			.param("id", invitation.id())
			.param("organization", invitation.organizationId())
			.param("email", invitation.email())
			.param("role", invitation.role().id())
			.param("hash", tokenHash)
			.param("invitedBy", invitation.invitedBy())
			.param("at", Timestamps.sql(invitation.createdAt()))
			.param("expires", Timestamps.sql(invitation.expiresAt()))
			.update();
	}

	Optional<Invitation> invitation(String organizationId, UUID id) {
		return jdbc.sql("select * from invitation where organization_id = :organization and id = :id")
			.param("organization", organizationId)
			.param("id", id)
			.query(OrganizationRepository::invitationRow)
			.optional();
	}

	Optional<Invitation> invitationByToken(String tokenHash) {
		return jdbc.sql("select * from invitation where token_hash = :hash")
			.param("hash", tokenHash)
			.query(OrganizationRepository::invitationRow)
			.optional();
	}

	List<Invitation> pendingInvitations(String organizationId, Instant now) {
		return jdbc
			.sql("""
					select * from invitation
					where organization_id = :organization and accepted_at is null and revoked_at is null and expires_at > :now
					order by created_at, id""")
			.param("organization", organizationId)
			.param("now", Timestamps.sql(now))
			.query(OrganizationRepository::invitationRow)
			.list();
	}

	long countPendingInvitations(String organizationId, Instant now) {
		return jdbc
			.sql("""
					select count(*) from invitation
					where organization_id = :organization and accepted_at is null and revoked_at is null and expires_at > :now""")
			.param("organization", organizationId)
			.param("now", Timestamps.sql(now))
			.query(Long.class)
			.single();
	}

	/** Marks a pending invitation accepted; false if it was not pending any more. */
	boolean accept(UUID id, UUID accountId, Instant now) {
		return jdbc.sql("""
				update invitation set accepted_at = :now, accepted_by = :account
				where id = :id and accepted_at is null and revoked_at is null and expires_at > :now""")
			.param("now", Timestamps.sql(now))
			.param("account", accountId)
			.param("id", id)
			.update() == 1;
	}

	/** Revokes one pending invitation; false if it was not pending. */
	boolean revoke(String organizationId, UUID id, Instant now) {
		return jdbc.sql("""
				update invitation set revoked_at = :now
				where organization_id = :organization and id = :id
				  and accepted_at is null and revoked_at is null and expires_at > :now""")
			.param("now", Timestamps.sql(now))
			.param("organization", organizationId)
			.param("id", id)
			.update() == 1;
	}

	/** Revokes the organization's pending invitations to one address. */
	int revokePendingTo(String organizationId, String email, Instant now) {
		return jdbc.sql("""
				update invitation set revoked_at = :now
				where organization_id = :organization and email = :email
				  and accepted_at is null and revoked_at is null and expires_at > :now""")
			.param("now", Timestamps.sql(now))
			.param("organization", organizationId)
			.param("email", email)
			.update();
	}

	/** Revokes every pending invitation of the organization. */
	int revokeAllPending(String organizationId, Instant now) {
		return jdbc.sql("""
				update invitation set revoked_at = :now
				where organization_id = :organization
				  and accepted_at is null and revoked_at is null and expires_at > :now""")
			.param("now", Timestamps.sql(now))
			.param("organization", organizationId)
			.update();
	}

	private static Membership membershipRow(ResultSet rs, int n) throws SQLException {
		return new Membership(rs.getString("organization_id"), rs.getObject("account_id", UUID.class),
				OrganizationRole.of(rs.getString("role")), Timestamps.readRequired(rs, "joined_at"));
	}

	private static Invitation invitationRow(ResultSet rs, int n) throws SQLException {
		return new Invitation(rs.getObject("id", UUID.class), rs.getString("organization_id"), rs.getString("email"),
				OrganizationRole.of(rs.getString("role")), rs.getObject("invited_by", UUID.class),
				Timestamps.readRequired(rs, "created_at"), Timestamps.readRequired(rs, "expires_at"),
				Timestamps.read(rs, "accepted_at"), Timestamps.read(rs, "revoked_at"));
	}

}

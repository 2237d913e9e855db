package dev.plangate.identity.organization;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.plangate.audit.AuditLog;
import dev.plangate.catalog.CatalogService;
import dev.plangate.customer.Customer;
import dev.plangate.customer.CustomerEvents;
import dev.plangate.customer.CustomerService;
import dev.plangate.customer.CustomerStatus;
import dev.plangate.identity.account.AccountRole;
import dev.plangate.identity.account.AccountService;
import dev.plangate.identity.account.GeneratedIds;
import dev.plangate.identity.account.SensitiveAction;
import dev.plangate.identity.token.AccessTokens;
import dev.plangate.identity.token.IssuedToken;
import dev.plangate.identity.token.OpaqueToken;
import dev.plangate.identity.token.TokenRevocations;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.SubscriptionService;

/**
 * Organizations: customers of kind {@code organization} whose members (accounts) share
 * its subscription. Members join by accepting a mailed invitation; the plan's team-member
 * feature ({@code plangate.organizations.member-feature}) caps members plus pending
 * invitations. Every change locks the organization's customer row first, so the cap, the
 * last owner and single-use invitations hold under any concurrency. An account that is
 * not a member learns nothing about an organization: it is not found.
 */
@Service
public class OrganizationService {

	static final Duration INVITATION_LIFETIME = Duration.ofDays(7);

	private final OrganizationRepository repository;

	private final AccountService accounts;

	private final CustomerService customers;

	private final SubscriptionService subscriptions;

	private final CatalogService catalog;

	private final AccessTokens tokens;

	private final TokenRevocations revocations;

	private final OrganizationMails mails;

	private final AuditLog auditLog;

	private final Clock clock;

	private final String memberFeature;

	OrganizationService(OrganizationRepository repository, AccountService accounts, CustomerService customers,
			SubscriptionService subscriptions, CatalogService catalog, AccessTokens tokens,
			TokenRevocations revocations, OrganizationMails mails, AuditLog auditLog, Clock clock,
			OrganizationSettings settings) {
		this.repository = repository;
		this.accounts = accounts;
		this.customers = customers;
		this.subscriptions = subscriptions;
		this.catalog = catalog;
		this.tokens = tokens;
		this.revocations = revocations;
		this.mails = mails;
		this.auditLog = auditLog;
		this.clock = clock;
		this.memberFeature = settings.memberFeature();
	}

	/** An organization as one of its members sees it. */
	public record Details(Customer organization, String plan, OrganizationRole role, List<Membership.Member> members,
			@Nullable List<Invitation> invitations, MemberLimit memberLimit) {
	}

	/**
	 * The plan's cap on members plus pending invitations.
	 *
	 * @param limit absent when there is none
	 * @param used members plus pending invitations
	 */
	public record MemberLimit(String feature, @Nullable Long limit, long used) {
	}

	/**
	 * Creates an organization on the default plan with the caller as its owner.
	 * @throws PlangateException {@code email_not_verified}
	 */
	@Transactional
	public Membership.OfAccount create(UUID accountId, String name) {
		var account = accounts.get(accountId);
		accounts.requireVerifiedEmail(account, SensitiveAction.ORGANIZATIONS);
		var id = GeneratedIds.customerId("org_");
		var customer = customers.upsert(id, new CustomerService.Changes("organization", name, null, null, null))
			.customer();
		var owner = new Membership(id, accountId, OrganizationRole.OWNER, clock.instant());
		repository.insertMembership(owner);
		auditLog.record("organization.created", "organization", id, null,
				Map.of("name", name, "owner", accountId.toString()));
		return new Membership.OfAccount(id, customer.name(), customer.status().id(), owner.role(), owner.joinedAt());
	}

	public List<Membership.OfAccount> organizationsOf(UUID accountId) {
		return repository.organizationsOf(accountId);
	}

	/**
	 * @throws PlangateException {@code organization_not_found} unless the caller is a
	 * member
	 */
	public Details details(UUID accountId, String organizationId) {
		var me = memberOrNotFound(accountId, organizationId);
		var organization = customers.get(organizationId);
		var now = clock.instant();
		var members = repository.members(organizationId);
		var pending = repository.pendingInvitations(organizationId, now);
		return new Details(organization, subscriptions.current(organizationId).planKey(), me.role(), members,
				me.role().canManageMembers() ? pending : null, new MemberLimit(memberFeature,
						memberLimit(organization).orElse(null), members.size() + pending.size()));
	}

	/**
	 * Invites an address; a pending invitation to the same address is replaced.
	 * @throws PlangateException {@code forbidden} for a plain member or an admin inviting
	 * an owner, {@code already_member}, {@code member_limit_reached}
	 */
	@Transactional
	public Invitation invite(UUID accountId, String organizationId, String rawEmail, OrganizationRole role) {
		var me = lockedMember(accountId, organizationId);
		requireManager(me, "invite members");
		if (role == OrganizationRole.OWNER && me.role() != OrganizationRole.OWNER) {
			throw forbidden(me, "Only an owner may invite an owner");
		}
		var email = AccountService.normalizeEmail(rawEmail);
		if (!AccountService.isEmail(email)) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST, "email must be an email address",
					List.of(new FieldError("email", "must be an email address")));
		}
		var organization = activeOrganization(organizationId);
		if (repository.members(organizationId).stream().anyMatch(m -> email.equals(m.email()))) {
			throw new PlangateException(ErrorCode.ALREADY_MEMBER,
					"The account of " + email + " is a member of the organization already")
				.with("email", email);
		}
		var now = clock.instant();
		repository.revokePendingTo(organizationId, email, now);
		long used = repository.countMembers(organizationId) + repository.countPendingInvitations(organizationId, now);
		refuseOverLimit(organization, used + 1, used);
		var invitation = new Invitation(UUID.randomUUID(), organizationId, email, role, accountId, now,
				now.plus(INVITATION_LIFETIME), null, null);
		var token = OpaqueToken.generate("");
		repository.insertInvitation(invitation, token.hash());
		auditLog.record("organization.invitation_created", "organization", organizationId, null,
				invitationAudit(invitation));
		var inviter = accounts.get(accountId);
		mails.invitation(email, displayName(organization),
				inviter.email() != null ? inviter.email() : String.valueOf(inviter.username()), role, token.text(),
				invitation.expiresAt());
		return invitation;
	}

	/**
	 * @throws PlangateException {@code invitation_not_found} when it is not pending
	 */
	@Transactional
	public void revokeInvitation(UUID accountId, String organizationId, UUID invitationId) {
		var me = lockedMember(accountId, organizationId);
		requireManager(me, "revoke invitations");
		var now = clock.instant();
		var invitation = repository.invitation(organizationId, invitationId)
			.filter(i -> i.isPending(now))
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.INVITATION_NOT_FOUND, "Invitation",
					invitationId.toString()));
		repository.revoke(organizationId, invitationId, now);
		auditLog.record("organization.invitation_revoked", "organization", organizationId, invitationAudit(invitation),
				null);
	}

	/**
	 * Joins the organization of a mailed invitation; the caller's verified address must
	 * be the invited one. A refused attempt leaves the invitation as it was.
	 * @throws PlangateException {@code email_not_verified}, {@code invalid_invitation},
	 * {@code invitation_email_mismatch}, {@code already_member},
	 * {@code member_limit_reached}
	 */
	@Transactional
	public Membership.OfAccount accept(UUID accountId, String token) {
		var account = accounts.get(accountId);
		accounts.requireVerifiedEmail(account, SensitiveAction.ORGANIZATIONS);
		var found = repository.invitationByToken(OpaqueToken.hash(token)).orElseThrow(OrganizationService::invalid);
		var organizationId = found.organizationId();
		if (!repository.lockOrganization(organizationId)) {
			throw invalid();
		}
		var now = clock.instant();
		var invitation = repository.invitation(organizationId, found.id())
			.filter(i -> i.isPending(now))
			.orElseThrow(OrganizationService::invalid);
		if (!invitation.email().equals(account.email())) {
			throw new PlangateException(ErrorCode.INVITATION_EMAIL_MISMATCH,
					"The invitation is for another email address: sign in with the account of the invited address");
		}
		var organization = activeOrganization(organizationId);
		if (repository.membership(organizationId, accountId).isPresent()) {
			throw new PlangateException(ErrorCode.ALREADY_MEMBER, "You are a member of the organization already")
				.with("organizationId", organizationId);
		}
		long members = repository.countMembers(organizationId);
		refuseOverLimit(organization, members + 1, members + repository.countPendingInvitations(organizationId, now));
		if (!repository.accept(invitation.id(), accountId, now)) {
			throw invalid();
		}
		var membership = new Membership(organizationId, accountId, invitation.role(), now);
		repository.insertMembership(membership);
		auditLog.record("organization.member_joined", "organization", organizationId, null, Map.of("accountId",
				accountId.toString(), "role", invitation.role().id(), "invitationId", invitation.id().toString()));
		return new Membership.OfAccount(organizationId, organization.name(), organization.status().id(),
				membership.role(), membership.joinedAt());
	}

	/**
	 * Removes a member (the caller's own membership: as {@link #leave}); the member is
	 * told by mail and its tokens for the organization stop working.
	 * @throws PlangateException {@code forbidden} for a plain member or an admin removing
	 * an owner, {@code member_not_found}, {@code last_owner}
	 */
	@Transactional
	public void removeMember(UUID accountId, String organizationId, UUID memberId) {
		if (accountId.equals(memberId)) {
			leave(accountId, organizationId);
			return;
		}
		var me = lockedMember(accountId, organizationId);
		requireManager(me, "remove members");
		var member = repository.membership(organizationId, memberId)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.MEMBER_NOT_FOUND, "Member", memberId.toString()));
		if (member.role() == OrganizationRole.OWNER && me.role() != OrganizationRole.OWNER) {
			throw forbidden(me, "Only an owner may remove an owner");
		}
		refuseLastOwner(member, "removed");
		end(member);
		auditLog.record("organization.member_removed", "organization", organizationId, membershipAudit(member), null);
		var removed = accounts.get(memberId);
		if (removed.email() != null) {
			mails.removed(removed.email(), displayName(customers.get(organizationId)));
		}
	}

	/**
	 * @throws PlangateException {@code last_owner} for the only owner
	 */
	@Transactional
	public void leave(UUID accountId, String organizationId) {
		var me = lockedMember(accountId, organizationId);
		refuseLastOwner(me, "leave");
		end(me);
		auditLog.record("organization.member_left", "organization", organizationId, membershipAudit(me), null);
	}

	/**
	 * Gives a member another role; its tokens for the organization, which name the old
	 * role, stop working.
	 * @throws PlangateException {@code forbidden} unless the caller is an owner,
	 * {@code member_not_found}, {@code last_owner}
	 */
	@Transactional
	public Membership.Member changeRole(UUID accountId, String organizationId, UUID memberId, OrganizationRole role) {
		var me = lockedMember(accountId, organizationId);
		if (me.role() != OrganizationRole.OWNER) {
			throw forbidden(me, "Only an owner may change members' roles");
		}
		var member = repository.membership(organizationId, memberId)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.MEMBER_NOT_FOUND, "Member", memberId.toString()));
		if (member.role() != role) {
			if (role != OrganizationRole.OWNER) {
				refuseLastOwner(member, "change role");
			}
			repository.setRole(organizationId, memberId, role);
			revocations.revokeMembership(organizationId, memberId.toString());
			auditLog.record("organization.member_role_changed", "organization", organizationId, membershipAudit(member),
					Map.of("accountId", memberId.toString(), "role", role.id()));
		}
		return repository.members(organizationId)
			.stream()
			.filter(m -> m.accountId().equals(memberId))
			.findFirst()
			.orElseThrow();
	}

	/**
	 * An access token for acting for the organization: its {@code cid} is the
	 * organization, so {@code /v1/me/subscription} and {@code /v1/me/usage} answer the
	 * shared plan; it lives as the caller's session does and ends with the membership.
	 * @throws PlangateException {@code organization_not_found},
	 * {@code customer_suspended}
	 */
	@Transactional
	public IssuedToken token(UUID accountId, @Nullable UUID sessionId, String organizationId) {
		// under the organization's lock, as removals, role changes and status changes
		// are: a token is issued before a membership ends (and is revoked with it) or
		// not at all
		var me = lockedMember(accountId, organizationId);
		activeOrganization(organizationId);
		var plan = subscriptions.current(organizationId).planKey();
		return tokens.issueAccountToken(accountId.toString(), organizationId,
				List.of(AccountRole.USER.id(), me.role().tokenRole()), plan, sessionId);
	}

	// an organization or an account ends

	@EventListener
	void on(CustomerEvents.Deleted deleted) {
		var customerId = deleted.customerId();
		var memberships = repository.memberships(customerId);
		if (!memberships.isEmpty()) {
			memberships.forEach(this::end);
			repository.revokeAllPending(customerId, clock.instant());
			auditLog.record("organization.memberships_ended", "organization", customerId,
					Map.of("members", memberships.size()), null);
		}
		repository.accountOfCustomer(customerId).ifPresent(account -> {
			for (var membership : repository.membershipsOfAccount(account)) {
				var organizationId = membership.organizationId();
				repository.lockOrganization(organizationId);
				end(membership);
				auditLog.record("organization.member_left", "organization", organizationId, membershipAudit(membership),
						Map.of("reason", "account_deleted"));
				keepAnOwner(organizationId);
			}
		});
	}

	/**
	 * When the only owner's account is deleted, the longest-standing admin (else member)
	 * becomes the owner, so that someone can still manage the organization.
	 */
	private void keepAnOwner(String organizationId) {
		if (repository.countOwners(organizationId) > 0) {
			return;
		}
		var members = repository.members(organizationId);
		members.stream()
			.filter(m -> m.role() == OrganizationRole.ADMIN)
			.findFirst()
			.or(() -> members.stream().findFirst())
			.ifPresent(heir -> {
				repository.setRole(organizationId, heir.accountId(), OrganizationRole.OWNER);
				revocations.revokeMembership(organizationId, heir.accountId().toString());
				auditLog.record("organization.member_role_changed", "organization", organizationId,
						Map.of("accountId", heir.accountId().toString(), "role", heir.role().id()),
						Map.of("accountId", heir.accountId().toString(), "role", OrganizationRole.OWNER.id(), "reason",
								"last_owner_deleted"));
			});
	}

	@EventListener
	void on(CustomerEvents.StatusChanged changed) {
		if (!changed.active()) {
			for (var membership : repository.memberships(changed.customerId())) {
				revocations.revokeMembership(membership.organizationId(), membership.accountId().toString());
			}
		}
	}

	// helpers

	private void end(Membership membership) {
		repository.deleteMembership(membership.organizationId(), membership.accountId());
		revocations.revokeMembership(membership.organizationId(), membership.accountId().toString());
	}

	private Membership memberOrNotFound(UUID accountId, String organizationId) {
		return repository.membership(organizationId, accountId)
			.orElseThrow(
					() -> PlangateException.notFound(ErrorCode.ORGANIZATION_NOT_FOUND, "Organization", organizationId));
	}

	/** The caller's membership, with the organization locked. */
	private Membership lockedMember(UUID accountId, String organizationId) {
		if (!repository.lockOrganization(organizationId)) {
			throw PlangateException.notFound(ErrorCode.ORGANIZATION_NOT_FOUND, "Organization", organizationId);
		}
		return memberOrNotFound(accountId, organizationId);
	}

	private Customer activeOrganization(String organizationId) {
		var organization = customers.get(organizationId);
		if (organization.status() != CustomerStatus.ACTIVE) {
			throw new PlangateException(ErrorCode.CUSTOMER_SUSPENDED,
					"The organization is " + organization.status().id() + ": members cannot join or act for it")
				.with("organizationId", organizationId);
		}
		return organization;
	}

	private void requireManager(Membership me, String action) {
		if (!me.role().canManageMembers()) {
			throw forbidden(me, "Only an owner or admin of the organization may " + action);
		}
	}

	private void refuseLastOwner(Membership member, String action) {
		if (member.role() == OrganizationRole.OWNER && repository.countOwners(member.organizationId()) <= 1) {
			throw new PlangateException(ErrorCode.LAST_OWNER, "The organization's only owner cannot " + action
					+ ": make another member an owner first, or delete the organization");
		}
	}

	/**
	 * @param needed the seats the change would take
	 * @param used members plus pending invitations now
	 */
	private void refuseOverLimit(Customer organization, long needed, long used) {
		var limit = memberLimit(organization);
		if (limit.isPresent() && needed > limit.get()) {
			var upgrade = catalog.cheapestActivePlan(plan -> {
				var entitlement = plan.definition().entitlements().get(memberFeature);
				return entitlement == null || entitlement.unlimited()
						|| (entitlement.limit() != null && entitlement.limit() >= needed);
			});
			throw new PlangateException(ErrorCode.MEMBER_LIMIT_REACHED,
					"The organization's plan allows " + limit.get() + " members and pending invitations ("
							+ memberFeature + "); " + used + " are taken")
				.with("feature", memberFeature)
				.with("limit", limit.get())
				.with("used", used)
				.with("upgradeTo", upgrade.map(plan -> plan.key()).orElse(null));
		}
	}

	/**
	 * The organization's effective entitlement of the member feature; none when the
	 * catalog has no such feature, the plan does not name it, or it is unlimited.
	 */
	private Optional<Long> memberLimit(Customer organization) {
		var feature = catalog.findFeature(memberFeature);
		if (feature.isEmpty()) {
			return Optional.empty();
		}
		var value = subscriptions.entitlement(organization, feature.get()).value();
		if (value.unlimited() || "none".equals(value.source()) || value.limit() == null) {
			return Optional.empty();
		}
		return Optional.of(value.limit());
	}

	private static String displayName(Customer organization) {
		return organization.name() != null ? organization.name() : organization.id();
	}

	private static Map<String, Object> invitationAudit(Invitation invitation) {
		var audit = new LinkedHashMap<String, Object>();
		audit.put("invitationId", invitation.id().toString());
		audit.put("email", invitation.email());
		audit.put("role", invitation.role().id());
		audit.put("expiresAt", invitation.expiresAt().toString());
		return audit;
	}

	private static Map<String, Object> membershipAudit(Membership membership) {
		return Map.of("accountId", membership.accountId().toString(), "role", membership.role().id());
	}

	private static PlangateException forbidden(Membership me, String detail) {
		return new PlangateException(ErrorCode.FORBIDDEN, detail + "; you are " + me.role().id()).with("role",
				me.role().id());
	}

	private static PlangateException invalid() {
		return new PlangateException(ErrorCode.INVALID_INVITATION,
				"The invitation is invalid, was used or revoked, or has expired: ask for a new one");
	}

}

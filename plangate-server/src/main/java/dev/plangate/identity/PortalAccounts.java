package dev.plangate.identity;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.identity.account.AccountService;
import dev.plangate.identity.account.Device;
import dev.plangate.identity.account.SessionService;
import dev.plangate.identity.apikey.PersonalApiKey;
import dev.plangate.identity.apikey.PersonalApiKeyService;
import dev.plangate.identity.apikey.PersonalKeyScope;
import dev.plangate.identity.auth.LoginService;
import dev.plangate.identity.organization.OrganizationRole;
import dev.plangate.identity.organization.OrganizationService;
import dev.plangate.identity.twofactor.TwoFactorService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import jakarta.servlet.http.HttpServletRequest;

/**
 * An end user's account for a web session (the portal's): the sign-in of
 * {@code POST /v1/auth/login}, with its throttles, lockout and second factor, and what
 * the {@code /v1/me/…} endpoints let an account do with its sessions, second factor,
 * personal keys and organizations, each through the same service and its rules.
 */
@Service
public class PortalAccounts {

	private final LoginService logins;

	private final SessionService sessions;

	private final AccountService accounts;

	private final TwoFactorService twoFactor;

	private final PersonalApiKeyService keys;

	private final OrganizationService organizations;

	private final TransactionTemplate transactions;

	private final Clock clock;

	PortalAccounts(LoginService logins, SessionService sessions, AccountService accounts, TwoFactorService twoFactor,
			PersonalApiKeyService keys, OrganizationService organizations, TransactionTemplate transactions,
			Clock clock) {
		this.clock = clock;
		this.logins = logins;
		this.sessions = sessions;
		this.accounts = accounts;
		this.twoFactor = twoFactor;
		this.keys = keys;
		this.organizations = organizations;
		this.transactions = transactions;
	}

	/**
	 * An end user signed in.
	 *
	 * @param customerId the account's own customer, whose plan the portal shows
	 * @param login the account's email, else its username
	 * @param sessionId the Plangate session the sign-in started
	 */
	public record SignedIn(UUID accountId, String customerId, String login, UUID sessionId) {
	}

	/**
	 * @param code the second factor; an account with one is refused with
	 * {@code second_factor_required} without it, once the password is right
	 * @throws PlangateException as {@code POST /v1/auth/login} does
	 */
	public SignedIn signIn(String login, String password, @Nullable String code, HttpServletRequest request) {
		var signedIn = logins.login(login, password, code, null, Device.of(request));
		var account = signedIn.account();
		var name = account.email() != null ? account.email() : account.username();
		return new SignedIn(account.id(), account.customerId(), name != null ? name : login, signedIn.session().id());
	}

	/** Whether the session still goes on: neither ended, revoked nor expired. */
	public boolean isActive(UUID sessionId) {
		return sessions.isActive(sessionId);
	}

	/** Ends the session, if it still goes on. */
	public void end(UUID accountId, UUID sessionId, String reason) {
		if (sessions.isActive(sessionId)) {
			sessions.revoke(accountId, sessionId, reason);
		}
	}

	/** One of the account's active sessions; {@code current} is the caller's. */
	public record SessionLine(UUID id, @Nullable String userAgent, @Nullable String ip, Instant createdAt,
			Instant lastSeenAt, boolean current) {
	}

	public List<SessionLine> sessions(UUID accountId, UUID current) {
		return sessions.active(accountId)
			.stream()
			.map(s -> new SessionLine(s.id(), s.userAgent(), s.ip(), s.createdAt(), s.lastSeenAt(),
					s.id().equals(current)))
			.toList();
	}

	/**
	 * Ends one of the account's sessions.
	 * @throws PlangateException {@code session_not_found} for another account's session
	 */
	public void endSession(UUID accountId, UUID sessionId) {
		sessions.revoke(accountId, sessionId, "revoked_by_user");
	}

	/** Ends every session of the account but {@code keep}; answers how many ended. */
	public int endOtherSessions(UUID accountId, UUID keep) {
		var ended = transactions.execute(status -> sessions.revokeAll(accountId, keep, "revoked_by_user"));
		return ended == null ? 0 : ended.size();
	}

	/**
	 * @param emailVerified two-factor, personal keys and organizations need a confirmed
	 * address
	 */
	public record TwoFactor(boolean enabled, @Nullable Instant enabledAt, int recoveryCodesLeft,
			boolean emailVerified) {
	}

	public TwoFactor twoFactor(UUID accountId) {
		var status = twoFactor.status(accountId);
		return new TwoFactor(status.enabled(), status.enabledAt(), status.recoveryCodesLeft(),
				accounts.get(accountId).isEmailVerified());
	}

	/** A started enrolment: the secret as text and as the {@code otpauth://} URI. */
	public record Enrolment(String secret, String provisioningUri) {

		/** Without the secret. */
		@Override
		public String toString() {
			return "Enrolment[…]";
		}

	}

	/** As {@code POST /v1/me/two-factor}. */
	public Enrolment enrolTwoFactor(UUID accountId, String password, HttpServletRequest request) {
		var enrolment = twoFactor.enrol(accountId, password, Device.of(request).ip());
		return new Enrolment(enrolment.secret(), enrolment.provisioningUri());
	}

	/** As {@code POST /v1/me/two-factor/confirm}: the recovery codes, shown once. */
	public List<String> confirmTwoFactor(UUID accountId, String code, HttpServletRequest request) {
		return twoFactor.confirm(accountId, code, Device.of(request).ip());
	}

	/** As {@code DELETE /v1/me/two-factor}. */
	public void disableTwoFactor(UUID accountId, String password, String code, HttpServletRequest request) {
		twoFactor.disable(accountId, password, code, Device.of(request).ip());
	}

	/**
	 * A personal key as listed: never its secret.
	 *
	 * @param status {@code active}, {@code expired} or {@code revoked}
	 */
	public record KeyLine(UUID id, String name, String prefix, boolean mayWrite, String status, Instant createdAt,
			@Nullable Instant expiresAt, @Nullable Instant lastUsedAt) {

		public boolean isActive() {
			return status.equals("active");
		}

		static KeyLine of(PersonalApiKey key, Instant now) {
			return new KeyLine(key.id(), key.name(), key.prefix(), key.mayWrite(), key.status(now), key.createdAt(),
					key.expiresAt(), key.lastUsedAt());
		}

	}

	public List<KeyLine> keys(UUID accountId) {
		var now = clock.instant();
		return keys.list(accountId).stream().map(k -> KeyLine.of(k, now)).toList();
	}

	/** A key created, its secret shown once. */
	public record CreatedKey(KeyLine key, String secret) {

		/** Without the secret. */
		@Override
		public String toString() {
			return "CreatedKey[" + key.prefix() + "…]";
		}

	}

	/**
	 * As {@code POST /v1/me/api-keys}.
	 * @param write whether the key may change things, or only read
	 */
	public CreatedKey createKey(UUID accountId, String name, boolean write, @Nullable Integer expiresInDays) {
		var created = keys.create(accountId, name,
				write ? Set.of(PersonalKeyScope.READ, PersonalKeyScope.WRITE) : Set.of(PersonalKeyScope.READ),
				expiresInDays);
		return new CreatedKey(KeyLine.of(created.key(), clock.instant()), created.secret());
	}

	/** As {@code DELETE /v1/me/api-keys/{id}}. */
	public void revokeKey(UUID accountId, UUID id) {
		keys.revoke(accountId, id);
	}

	/** An organization as one of its members sees it. */
	public record Organization(String id, @Nullable String name, String role, boolean managesMembers,
			List<Member> members, List<PendingInvitation> invitations, @Nullable Long memberLimit, long seatsUsed) {
	}

	public record Member(UUID accountId, @Nullable String email, @Nullable String username, String role,
			Instant joinedAt) {
	}

	public record PendingInvitation(UUID id, String email, String role, Instant createdAt, Instant expiresAt) {
	}

	/** The account's organizations; invitations only where it manages members. */
	public List<Organization> organizations(UUID accountId) {
		return organizations.organizationsOf(accountId).stream().map(of -> {
			var details = organizations.details(accountId, of.organizationId());
			var invitations = details.invitations() == null ? List.<PendingInvitation>of()
					: details.invitations()
						.stream()
						.map(i -> new PendingInvitation(i.id(), i.email(), i.role().id(), i.createdAt(), i.expiresAt()))
						.toList();
			return new Organization(of.organizationId(), details.organization().name(), details.role().id(),
					details.role().canManageMembers(),
					details.members()
						.stream()
						.map(m -> new Member(m.accountId(), m.email(), m.username(), m.role().id(), m.joinedAt()))
						.toList(),
					invitations, details.memberLimit().limit(), details.memberLimit().used());
		}).toList();
	}

	/**
	 * As {@code POST /v1/me/organizations/{orgId}/invitations}.
	 * @throws PlangateException {@code invalid_request} for an unknown role, and as the
	 * API does ({@code forbidden} for a plain member, {@code organization_not_found} for
	 * one the account is no member of)
	 */
	public void invite(UUID accountId, String organizationId, String email, String role) {
		var known = OrganizationRole.find(role)
			.orElseThrow(
					() -> new PlangateException(ErrorCode.INVALID_REQUEST, "role must be 'owner', 'admin' or 'member'",
							List.of(new FieldError("role", "must be 'owner', 'admin' or 'member'"))));
		organizations.invite(accountId, organizationId, email, known);
	}

	/** As {@code DELETE /v1/me/organizations/{orgId}/invitations/{id}}. */
	public void revokeInvitation(UUID accountId, String organizationId, UUID invitationId) {
		organizations.revokeInvitation(accountId, organizationId, invitationId);
	}

}

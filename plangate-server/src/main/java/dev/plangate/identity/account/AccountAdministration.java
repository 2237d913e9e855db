package dev.plangate.identity.account;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import dev.plangate.audit.AuditLog;
import dev.plangate.identity.token.TokenKind;
import dev.plangate.identity.token.TokenPrincipal;
import dev.plangate.identity.token.TokenRevocations;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.SessionPrincipal;

/**
 * What support staff do to an account: look it up, see its sessions, end them all; and
 * what a superadmin does: give an account its role. Called with a server key, the access
 * token of an operator, or from the console by an operator signed into it (an
 * {@link SessionPrincipal}); an admin may not act on a superadmin.
 */
@Service
public class AccountAdministration {

	private final AccountRepository accounts;

	private final SessionService sessions;

	private final TokenRevocations revocations;

	private final AuditLog auditLog;

	private final Clock clock;

	AccountAdministration(AccountRepository accounts, SessionService sessions, TokenRevocations revocations,
			AuditLog auditLog, Clock clock) {
		this.accounts = accounts;
		this.sessions = sessions;
		this.revocations = revocations;
		this.auditLog = auditLog;
		this.clock = clock;
	}

	/** An account with its active sessions. */
	public record Overview(Account account, List<Session> sessions) {
	}

	/**
	 * @throws PlangateException {@code account_not_found}
	 */
	public Overview overview(UUID accountId) {
		var account = find(accountId);
		return new Overview(account, sessions.active(account.id()));
	}

	public Optional<Account> findByEmail(String email) {
		return accounts.findByEmail(AccountService.normalizeEmail(email));
	}

	/**
	 * Ends every session of the account and makes every access token issued to it so far
	 * stop working, on every node.
	 * @return the sessions ended
	 * @throws PlangateException {@code account_not_found}; {@code forbidden} for an admin
	 * acting on a superadmin
	 */
	@Transactional
	public List<UUID> revokeSessions(UUID accountId) {
		var account = find(accountId);
		if (account.role() == AccountRole.SUPERADMIN && callerIsAdminButNotSuperadmin()) {
			throw new PlangateException(ErrorCode.FORBIDDEN, "Only a superadmin may end a superadmin's sessions");
		}
		var ended = sessions.revokeAll(account.id(), null, "revoked_by_admin");
		revocations.revokeSubject(account.id().toString(), clock.instant());
		auditLog.record("account.sessions_revoked", "account", account.id().toString(), null,
				Map.of("sessions", ended.size()));
		return ended;
	}

	/**
	 * Ends one session of the account: the access tokens issued in it stop working, on
	 * every node; audited as {@code account.session_revoked}.
	 * @throws PlangateException {@code account_not_found}; {@code session_not_found} for
	 * a session that is not one of the account's active ones; {@code forbidden} for an
	 * admin acting on a superadmin
	 */
	@Transactional
	public void revokeSession(UUID accountId, UUID sessionId) {
		var account = find(accountId);
		if (account.role() == AccountRole.SUPERADMIN && callerIsAdminButNotSuperadmin()) {
			throw new PlangateException(ErrorCode.FORBIDDEN, "Only a superadmin may end a superadmin's sessions");
		}
		if (sessions.active(account.id()).stream().noneMatch(s -> s.id().equals(sessionId))) {
			// another account's, ended already, or none: nothing to end, nothing to audit
			throw new PlangateException(ErrorCode.SESSION_NOT_FOUND,
					"No active session '" + sessionId + "' of this account: it may have ended")
				.with("id", sessionId.toString());
		}
		sessions.revoke(account.id(), sessionId, "revoked_by_admin");
		auditLog.record("account.session_revoked", "account", account.id().toString(), null,
				Map.of("session", sessionId.toString()));
	}

	/**
	 * Gives the account {@code role}: {@code support} reads the back office,
	 * {@code admin} changes customers, plans and keys there too, {@code superadmin} also
	 * grants roles. Only a superadmin may: with its access token, or signed into the
	 * console (a server key may not). The account's sessions end and its access tokens
	 * stop working, on every node, so that it signs in again with the new role; the
	 * change is audited with the role before and after. Giving the role an account has
	 * changes nothing.
	 * @return the account as it is now
	 * @throws PlangateException {@code account_not_found}; {@code forbidden} for any
	 * other caller; {@code last_superadmin} when it would leave no superadmin
	 */
	@Transactional
	public Account changeRole(UUID accountId, AccountRole role) {
		if (!callerIsSuperadmin()) {
			throw new PlangateException(ErrorCode.FORBIDDEN, "Only a superadmin may change roles");
		}
		var account = find(accountId);
		if (account.role() == role) {
			return account;
		}
		if (account.role() == AccountRole.SUPERADMIN) {
			var superadmins = accounts.lockSuperadmins();
			if (superadmins.size() <= 1 && superadmins.contains(account.id())) {
				throw new PlangateException(ErrorCode.LAST_SUPERADMIN,
						"This is the last superadmin: make another account superadmin first");
			}
		}
		var now = clock.instant();
		accounts.setRole(account.id(), role, now);
		var ended = sessions.revokeAll(account.id(), null, "role_changed");
		revocations.revokeSubject(account.id().toString(), now);
		auditLog.record("account.role_changed", "account", account.id().toString(), null,
				Map.of("from", account.role().id(), "to", role.id(), "sessions", ended.size()));
		return find(account.id());
	}

	private Account find(UUID accountId) {
		return accounts.find(accountId)
			.orElseThrow(
					() -> PlangateException.notFound(ErrorCode.ACCOUNT_NOT_FOUND, "Account", accountId.toString()));
	}

	/**
	 * An operator acting with an account's access token must have turned on two-factor
	 * authentication first (a server key needs nothing more).
	 * @throws PlangateException {@code two_factor_required}
	 */
	void requireSecondFactorOfOperator() {
		var caller = SecurityContextHolder.getContext().getAuthentication();
		if (caller != null && caller.getPrincipal() instanceof TokenPrincipal token
				&& token.claims().kind() == TokenKind.ACCOUNT
				&& accounts.find(UUID.fromString(token.claims().subject())).filter(Account::hasTwoFactor).isEmpty()) {
			throw new PlangateException(ErrorCode.TWO_FACTOR_REQUIRED,
					"Turn on two-factor authentication (POST /v1/me/two-factor) before using the back office");
		}
	}

	/** The operators' accounts: support, admin and superadmin, highest role first. */
	public List<Account> operators() {
		return accounts.operators();
	}

	/** The account that signs in as the customer, if the customer is one's. */
	public Optional<Account> ofCustomer(String customerId) {
		return accounts.findByCustomer(customerId);
	}

	/**
	 * An account's access token with the superadmin role, or an account signed into the
	 * console that is a superadmin now, while its session goes on; never a server key.
	 */
	private boolean callerIsSuperadmin() {
		var caller = SecurityContextHolder.getContext().getAuthentication();
		if (caller == null) {
			return false;
		}
		if (caller.getPrincipal() instanceof SessionPrincipal signedIn) {
			return isSuperadminSignedIn(signedIn);
		}
		return caller.getPrincipal() instanceof TokenPrincipal
				&& caller.getAuthorities().stream().anyMatch(a -> "ROLE_SUPERADMIN".equals(a.getAuthority()));
	}

	/** An operator below superadmin, by access token or signed into the console. */
	private boolean callerIsAdminButNotSuperadmin() {
		var caller = SecurityContextHolder.getContext().getAuthentication();
		if (caller != null && caller.getPrincipal() instanceof SessionPrincipal signedIn) {
			return !isSuperadminSignedIn(signedIn);
		}
		return caller != null && caller.getPrincipal() instanceof TokenPrincipal
				&& caller.getAuthorities().stream().noneMatch(a -> "ROLE_SUPERADMIN".equals(a.getAuthority()));
	}

	private boolean isSuperadminSignedIn(SessionPrincipal signedIn) {
		return accounts.find(signedIn.accountId()).filter(a -> a.role() == AccountRole.SUPERADMIN).isPresent()
				&& sessions.active(signedIn.accountId()).stream().anyMatch(s -> s.id().equals(signedIn.sessionId()));
	}

}

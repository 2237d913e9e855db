package dev.plangate.identity;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import dev.plangate.identity.account.Account;
import dev.plangate.identity.account.AccountAdministration;
import dev.plangate.identity.account.AccountRole;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/**
 * The accounts' administration as the console does it: the operators and their roles, an
 * account found by email, a customer's account and its sessions. Each goes through the
 * same service, checks and audit records as {@code /v1/admin/accounts}.
 */
@Service
public class OperatorAdministration {

	/** The roles an account may be given, lowest first. */
	public static final List<String> ROLES = List.of("user", "support", "admin", "superadmin");

	private final AccountAdministration administration;

	OperatorAdministration(AccountAdministration administration) {
		this.administration = administration;
	}

	/**
	 * An account as an operator sees it.
	 *
	 * @param login its email, else its username
	 * @param role {@code user}, {@code support}, {@code admin} or {@code superadmin}
	 * @param twoFactorSince when it turned on two-factor authentication, if it did
	 * @param activeSessions its sessions going on
	 */
	public record AccountSummary(UUID id, String customerId, String login, String role,
			@Nullable Instant twoFactorSince, int activeSessions) {

		public boolean hasTwoFactor() {
			return twoFactorSince != null;
		}

	}

	/** The accounts with an operator's role, highest role first. */
	public List<AccountSummary> operators() {
		return administration.operators().stream().map(this::summary).toList();
	}

	public Optional<AccountSummary> findByEmail(String email) {
		return administration.findByEmail(email).map(this::summary);
	}

	/** The account that signs in as the customer, if the customer is one's. */
	public Optional<AccountSummary> ofCustomer(String customerId) {
		return administration.ofCustomer(customerId).map(this::summary);
	}

	/**
	 * Gives the account its role, as {@code PUT /v1/admin/accounts/{id}/role} does: only
	 * a superadmin may; the account's sessions end; audited.
	 * @throws PlangateException {@code invalid_request} for a role not among
	 * {@link #ROLES}; {@code account_not_found}; {@code forbidden};
	 * {@code last_superadmin}
	 */
	public AccountSummary changeRole(UUID accountId, String role) {
		if (!ROLES.contains(role)) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST,
					"Unknown role: choose user, support, admin or superadmin");
		}
		return summary(administration.changeRole(accountId, AccountRole.of(role)));
	}

	/**
	 * Ends every session of the account, as {@code DELETE
	 * /v1/admin/accounts/{id}/sessions} does.
	 * @return how many sessions ended
	 * @throws PlangateException {@code account_not_found}; {@code forbidden} for an
	 * operator below superadmin acting on a superadmin
	 */
	public int revokeSessions(UUID accountId) {
		return administration.revokeSessions(accountId).size();
	}

	/**
	 * One of an account's active sessions.
	 *
	 * @param userAgent the device's browser or client, as it said
	 */
	public record SessionLine(UUID id, @Nullable String userAgent, @Nullable String ip, Instant createdAt,
			Instant lastSeenAt, Instant expiresAt) {
	}

	/**
	 * The account's active sessions, as {@code GET /v1/admin/accounts/{id}} lists them.
	 * @throws PlangateException {@code account_not_found}
	 */
	public List<SessionLine> sessions(UUID accountId) {
		return administration.overview(accountId)
			.sessions()
			.stream()
			.map(s -> new SessionLine(s.id(), s.userAgent(), s.ip(), s.createdAt(), s.lastSeenAt(), s.expiresAt()))
			.toList();
	}

	/**
	 * Ends one session of the account, as {@code DELETE
	 * /v1/admin/accounts/{id}/sessions/{sessionId}} does; audited.
	 * @throws PlangateException {@code account_not_found}; {@code session_not_found};
	 * {@code forbidden} for an operator below superadmin acting on a superadmin
	 */
	public void revokeSession(UUID accountId, UUID sessionId) {
		administration.revokeSession(accountId, sessionId);
	}

	private AccountSummary summary(Account account) {
		var login = account.email() != null ? account.email() : account.username();
		return new AccountSummary(account.id(), account.customerId(), login != null ? login : account.id().toString(),
				account.role().id(), account.twoFactorEnabledAt(),
				administration.overview(account.id()).sessions().size());
	}

}

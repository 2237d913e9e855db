package dev.plangate.identity.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.audit.AuditLog;
import dev.plangate.identity.token.OpaqueToken;
import dev.plangate.identity.token.TokenRevocations;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/**
 * Sessions and their refresh tokens. A refresh token is used once: refreshing answers a
 * new one. A used token presented again within the grace window (two tabs refreshing at
 * once) gets a new one too; later, it is taken for a stolen copy and ends its session.
 */
@Service
public class SessionService {

	private static final Logger log = LoggerFactory.getLogger(SessionService.class);

	static final String REFRESH_PREFIX = "pgr_";

	private final SessionRepository sessions;

	private final AccountRepository accounts;

	private final TokenRevocations revocations;

	private final AuditLog auditLog;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final Duration idleTimeout;

	private final Duration lifetime;

	private final Duration reuseGrace;

	SessionService(SessionRepository sessions, AccountRepository accounts, TokenRevocations revocations,
			AuditLog auditLog, TransactionTemplate transactions, Clock clock, AccountSettings settings) {
		this.sessions = sessions;
		this.accounts = accounts;
		this.revocations = revocations;
		this.auditLog = auditLog;
		this.transactions = transactions;
		this.clock = clock;
		this.idleTimeout = settings.sessionIdleTimeout();
		this.lifetime = settings.sessionLifetime();
		this.reuseGrace = settings.refreshReuseGrace();
	}

	/** A session and the refresh token that continues it. */
	public record Started(Session session, String refreshToken, Instant refreshExpiresAt) {
	}

	/** Starts a session; runs in the caller's transaction. */
	public Started start(Account account, Device device) {
		var now = clock.instant();
		var session = new Session(UUID.randomUUID(), account.id(), device.userAgent(), device.ip(), now, now,
				now.plus(lifetime), null, null);
		sessions.insert(session);
		return issueRefresh(session, now);
	}

	/**
	 * The account and session a refresh token continues, with a new refresh token.
	 * @throws PlangateException {@code invalid_refresh_token}, the same for every reason
	 */
	public Refreshed refresh(String refreshToken, Device device) {
		var outcome = transactions.execute(status -> refreshInTransaction(refreshToken, device));
		if (outcome == null || outcome.refreshed() == null) {
			throw new PlangateException(ErrorCode.INVALID_REFRESH_TOKEN,
					"The refresh token is invalid, expired or revoked: sign in again");
		}
		return outcome.refreshed();
	}

	public record Refreshed(Account account, Started started) {
	}

	/** Refused refreshes still commit what they revoked. */
	private record Outcome(@Nullable Refreshed refreshed) {
	}

	private Outcome refreshInTransaction(String text, Device device) {
		var now = clock.instant();
		if (!text.startsWith(REFRESH_PREFIX)) {
			return new Outcome(null);
		}
		var token = sessions.lockRefresh(OpaqueToken.hash(text)).orElse(null);
		if (token == null) {
			return new Outcome(null);
		}
		var session = sessions.find(token.sessionId()).orElseThrow();
		if (!session.isActive(now) || !token.expiresAt().isAfter(now)) {
			return new Outcome(null);
		}
		var account = accounts.find(session.accountId()).orElseThrow();
		if (!account.isActive()) {
			end(session.id(), "account_" + account.status().id(), now);
			return new Outcome(null);
		}
		if (token.usedAt() != null && token.usedAt().plus(reuseGrace).isBefore(now)) {
			end(session.id(), "refresh_token_reused", now);
			auditLog.record("session.refresh_token_reused", "account", account.id().toString(), null,
					Map.of("session", session.id().toString(), "ip", device.ip()));
			log.warn("A used refresh token of session {} was presented again from {}: the session is revoked",
					session.id(), device.ip());
			return new Outcome(null);
		}
		if (token.usedAt() == null) {
			sessions.markUsed(token.hash(), now);
		}
		sessions.touch(session.id(), device.userAgent(), device.ip(), now);
		return new Outcome(new Refreshed(account, issueRefresh(session, now)));
	}

	private Started issueRefresh(Session session, Instant now) {
		var token = OpaqueToken.generate(REFRESH_PREFIX);
		var expires = min(now.plus(idleTimeout), session.expiresAt());
		sessions.insertRefresh(token.hash(), session.id(), now, expires);
		return new Started(session, token.text(), expires);
	}

	/**
	 * Whether the session still goes on: neither signed out, revoked nor expired. A
	 * console session asks on each request, so that ending the session ends it too.
	 */
	public boolean isActive(UUID sessionId) {
		var now = clock.instant();
		return sessions.find(sessionId).filter(s -> s.isActive(now)).isPresent();
	}

	public List<Session> active(UUID accountId) {
		return sessions.active(accountId, clock.instant());
	}

	/**
	 * Ends one of the account's sessions.
	 * @throws PlangateException {@code session_not_found} for another account's session
	 */
	public void revoke(UUID accountId, UUID sessionId, String reason) {
		transactions.executeWithoutResult(status -> {
			var session = sessions.find(sessionId)
				.filter(s -> s.accountId().equals(accountId))
				.orElseThrow(
						() -> PlangateException.notFound(ErrorCode.SESSION_NOT_FOUND, "Session", sessionId.toString()));
			end(session.id(), reason, clock.instant());
		});
	}

	/**
	 * Ends every session of the account but {@code keep}; runs in the caller's
	 * transaction.
	 */
	public List<UUID> revokeAll(UUID accountId, @Nullable UUID keep, String reason) {
		var now = clock.instant();
		var ended = sessions.revokeAll(accountId, keep, reason, now);
		ended.forEach(revocations::revokeSession);
		return ended;
	}

	private void end(UUID sessionId, String reason, Instant now) {
		if (sessions.revoke(sessionId, reason, now)) {
			revocations.revokeSession(sessionId);
		}
	}

	private static Instant min(Instant a, Instant b) {
		return a.isBefore(b) ? a : b;
	}

}

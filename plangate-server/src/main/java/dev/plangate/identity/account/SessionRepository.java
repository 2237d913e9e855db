package dev.plangate.identity.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

@Repository
class SessionRepository {

	private final JdbcClient jdbc;

	SessionRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(Session session) {
		jdbc.sql("""
				insert into account_session (id, account_id, user_agent, ip, created_at, last_seen_at, expires_at)
				values (:id, :account, :agent, :ip, :at, :at, :expires)""")
			.param("id", session.id())
			.param("account", session.accountId())
			.param("agent", session.userAgent())
			.param("ip", session.ip())
			.param("at", Timestamps.sql(session.createdAt()))
			.param("expires", Timestamps.sql(session.expiresAt()))
			.update();
	}

	Optional<Session> find(UUID id) {
		return jdbc.sql("select * from account_session where id = :id").param("id", id).query(this::row).optional();
	}

	/** The sessions that may still refresh, newest first. */
	List<Session> active(UUID accountId, Instant now) {
		return jdbc.sql("""
				select * from account_session
				where account_id = :account and revoked_at is null and expires_at > :now
				order by created_at desc, id""")
			.param("account", accountId)
			.param("now", Timestamps.sql(now))
			.query(this::row)
			.list();
	}

	void touch(UUID id, @Nullable String userAgent, @Nullable String ip, Instant at) {
		jdbc.sql("update account_session set last_seen_at = :at, user_agent = :agent, ip = :ip where id = :id")
			.param("at", Timestamps.sql(at))
			.param("agent", userAgent)
			.param("ip", ip)
			.param("id", id)
			.update();
	}

	/**
	 * @return whether the session was active until now
	 */
	boolean revoke(UUID id, String reason, Instant at) {
		return jdbc.sql("""
				update account_session set revoked_at = :at, revoked_reason = :reason
				where id = :id and revoked_at is null""")
			.param("at", Timestamps.sql(at))
			.param("reason", reason)
			.param("id", id)
			.update() == 1;
	}

	/**
	 * Revokes every active session of the account but {@code keep}; answers their ids.
	 * The sessions are locked in id order: a session's use gives its row a new version,
	 * which a scan can meet before or after the others, so two of these at once would
	 * otherwise lock the same sessions in different orders.
	 */
	List<UUID> revokeAll(UUID accountId, @Nullable UUID keep, String reason, Instant at) {
		var ids = jdbc.sql("""
				select id from account_session
				where account_id = :account and revoked_at is null and expires_at > :at
				order by id for update""")
			.param("account", accountId)
			.param("at", Timestamps.sql(at))
			.query(UUID.class)
			.list()
			.stream()
			.filter(id -> !id.equals(keep))
			.toList();
		for (var id : ids) {
			revoke(id, reason, at);
		}
		return ids;
	}

	// refresh tokens

	void insertRefresh(String hash, UUID sessionId, Instant createdAt, Instant expiresAt) {
		jdbc.sql("""
				insert into refresh_token (token_hash, session_id, created_at, expires_at)
				values (:hash, :session, :at, :expires)""")
			.param("hash", hash)
			.param("session", sessionId)
			.param("at", Timestamps.sql(createdAt))
			.param("expires", Timestamps.sql(expiresAt))
			.update();
	}

	record RefreshToken(String hash, UUID sessionId, Instant expiresAt, @Nullable Instant usedAt) {
	}

	/**
	 * Locks the token's row, so that two uses of one token are decided one after the
	 * other.
	 */
	Optional<RefreshToken> lockRefresh(String hash) {
		return jdbc.sql("select * from refresh_token where token_hash = :hash for update")
			.param("hash", hash)
			.query((rs, n) -> new RefreshToken(rs.getString("token_hash"), rs.getObject("session_id", UUID.class),
					Timestamps.readRequired(rs, "expires_at"), Timestamps.read(rs, "used_at")))
			.optional();
	}

	void markUsed(String hash, Instant at) {
		jdbc.sql("update refresh_token set used_at = :at where token_hash = :hash")
			.param("at", Timestamps.sql(at))
			.param("hash", hash)
			.update();
	}

	private Session row(ResultSet rs, int n) throws SQLException {
		return new Session(rs.getObject("id", UUID.class), rs.getObject("account_id", UUID.class),
				rs.getString("user_agent"), rs.getString("ip"), Timestamps.readRequired(rs, "created_at"),
				Timestamps.readRequired(rs, "last_seen_at"), Timestamps.readRequired(rs, "expires_at"),
				Timestamps.read(rs, "revoked_at"), rs.getString("revoked_reason"));
	}

}

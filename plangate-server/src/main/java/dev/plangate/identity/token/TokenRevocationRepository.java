package dev.plangate.identity.token;

import java.time.Instant;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

@Repository
class TokenRevocationRepository {

	private final JdbcClient jdbc;

	TokenRevocationRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Sets the marker, moving its time and expiry only forward: of two revocations at
	 * once the later stays.
	 */
	void revoke(String kind, String target, Instant before, Instant expiresAt) {
		jdbc.sql("""
				insert into token_revocation (kind, target, revoked_before, expires_at)
				values (:kind, :target, :before, :expires) on conflict do nothing""")
			.param("kind", kind)
			.param("target", target)
			.param("before", Timestamps.sql(before))
			.param("expires", Timestamps.sql(expiresAt))
			.update();
		jdbc.sql("""
				update token_revocation
				   set revoked_before = greatest(revoked_before, :before), expires_at = greatest(expires_at, :expires)
				 where kind = :kind and target = :target""")
			.param("before", Timestamps.sql(before))
			.param("expires", Timestamps.sql(expiresAt))
			.param("kind", kind)
			.param("target", target)
			.update();
	}

	/** The marker's time, if one is in force at {@code now}. */
	Optional<Instant> revokedBefore(String kind, String target, Instant now) {
		return jdbc.sql("""
				select revoked_before from token_revocation
				 where kind = :kind and target = :target and expires_at > :now""")
			.param("kind", kind)
			.param("target", target)
			.param("now", Timestamps.sql(now))
			.query((rs, n) -> Timestamps.readRequired(rs, "revoked_before"))
			.optional();
	}

	int deleteExpired(Instant now) {
		return jdbc.sql("delete from token_revocation where expires_at <= :now")
			.param("now", Timestamps.sql(now))
			.update();
	}

}

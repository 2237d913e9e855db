package dev.plangate.identity.token;

import java.time.Instant;
import java.util.List;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

@Repository
class SigningKeyRepository {

	/** A key as stored: its private part sealed. */
	record Row(String kid, String algorithm, String publicJwk, String sealedPrivateJwk, Instant createdAt,
			Instant signsFrom, Instant signsUntil) {
	}

	private final JdbcClient jdbc;

	SigningKeyRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Serializes the making of keys by the nodes of a cluster. */
	void lock() {
		jdbc.sql("select name from startup_lock where name = 'signing_key' for update").query(String.class).single();
	}

	void insert(Row row) {
		jdbc.sql("""
				insert into signing_key (kid, algorithm, public_jwk, private_jwk, created_at, signs_from, signs_until)
				values (:kid, :algorithm, :public, :private, :created, :from, :until)""")
			.param("kid", row.kid())
			.param("algorithm", row.algorithm())
			.param("public", row.publicJwk())
			.param("private", row.sealedPrivateJwk())
			.param("created", Timestamps.sql(row.createdAt()))
			.param("from", Timestamps.sql(row.signsFrom()))
			.param("until", Timestamps.sql(row.signsUntil()))
			.update();
	}

	/** Keys that signed or will sign after {@code since}, oldest first. */
	List<Row> signingAfter(Instant since) {
		return jdbc.sql("select * from signing_key where signs_until > :since order by signs_from, kid")
			.param("since", Timestamps.sql(since))
			.query((rs, n) -> new Row(rs.getString("kid"), rs.getString("algorithm"), rs.getString("public_jwk"),
					rs.getString("private_jwk"), Timestamps.readRequired(rs, "created_at"),
					Timestamps.readRequired(rs, "signs_from"), Timestamps.readRequired(rs, "signs_until")))
			.list();
	}

}

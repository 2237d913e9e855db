package dev.plangate.identity.apikey;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

@Repository
class ApiKeyRepository {

	private final JdbcClient jdbc;

	ApiKeyRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(ApiKey key, String secretHash) {
		jdbc.sql("""
				insert into api_key (id, name, kind, prefix, secret_hash, created_at, created_by)
				values (:id, :name, :kind, :prefix, :hash, :at, :by)""")
			.param("id", key.id())
			.param("name", key.name())
			.param("kind", key.kind().id())
			.param("prefix", key.prefix())
			.param("hash", secretHash)
			.param("at", Timestamps.sql(key.createdAt()))
			.param("by", key.createdBy())
			.update();
	}

	Optional<ApiKey> findByHash(String hash) {
		return jdbc.sql("select * from api_key where secret_hash = :hash")
			.param("hash", hash)
			.query(this::row)
			.optional();
	}

	Optional<String> secretHash(UUID id) {
		return jdbc.sql("select secret_hash from api_key where id = :id")
			.param("id", id)
			.query(String.class)
			.optional();
	}

	Optional<ApiKey> find(UUID id) {
		return jdbc.sql("select * from api_key where id = :id").param("id", id).query(this::row).optional();
	}

	List<ApiKey> list() {
		return jdbc.sql("select * from api_key order by created_at, id").query(this::row).list();
	}

	/**
	 * Counts active server keys while locking them, so two revocations at once cannot
	 * both pass the last-key check. They are locked in id order: in the order a scan
	 * meets them, which a key's new row version (its last use recorded) can change, two
	 * revocations could each hold the key the other waits for.
	 */
	int lockActive() {
		return jdbc.sql("select id from api_key where revoked_at is null and kind = 'server' order by id for update")
			.query(UUID.class)
			.list()
			.size();
	}

	/**
	 * Serializes the first-start key creation of nodes starting together on an empty
	 * database.
	 */
	void lockBootstrap() {
		jdbc.sql("select name from startup_lock where name = 'api_key_bootstrap' for update")
			.query(String.class)
			.single();
	}

	boolean any() {
		return jdbc.sql("select count(*) from api_key").query(Long.class).single() > 0;
	}

	void revoke(UUID id, Instant at) {
		jdbc.sql("update api_key set revoked_at = :at where id = :id and revoked_at is null")
			.param("at", Timestamps.sql(at))
			.param("id", id)
			.update();
	}

	void touch(UUID id, Instant at) {
		jdbc.sql("update api_key set last_used_at = :at where id = :id")
			.param("at", Timestamps.sql(at))
			.param("id", id)
			.update();
	}

	private ApiKey row(ResultSet rs, int n) throws SQLException {
		return new ApiKey(rs.getObject("id", UUID.class), rs.getString("name"), ApiKeyKind.of(rs.getString("kind")),
				rs.getString("prefix"), Timestamps.readRequired(rs, "created_at"), rs.getString("created_by"),
				Timestamps.read(rs, "last_used_at"), Timestamps.read(rs, "revoked_at"));
	}

}

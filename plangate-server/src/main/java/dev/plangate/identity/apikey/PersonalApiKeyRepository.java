package dev.plangate.identity.apikey;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.customer.CustomerStatus;
import dev.plangate.identity.account.AccountRole;
import dev.plangate.platform.Timestamps;

@Repository
class PersonalApiKeyRepository {

	private final JdbcClient jdbc;

	PersonalApiKeyRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * A key with what its use is checked against: its account's role, customer and status
	 * (the customer's).
	 */
	record Owned(PersonalApiKey key, String customerId, AccountRole role, CustomerStatus status) {

		boolean accountActive() {
			return status == CustomerStatus.ACTIVE;
		}
	}

	void insert(PersonalApiKey key, String secretHash) {
		jdbc.sql("""
				insert into personal_api_key (id, account_id, name, prefix, secret_hash, scopes, created_at, expires_at)
				values (:id, :account, :name, :prefix, :hash, :scopes, :at, :expires)""")
			.param("id", key.id())
			.param("account", key.accountId())
			.param("name", key.name())
			.param("prefix", key.prefix())
			.param("hash", secretHash)
			.param("scopes", key.scopes().stream().sorted().map(PersonalKeyScope::id).collect(Collectors.joining(" ")))
			.param("at", Timestamps.sql(key.createdAt()))
			.param("expires", Timestamps.sql(key.expiresAt()))
			.update();
	}

	Optional<Owned> findByHash(String hash) {
		return jdbc.sql("""
				select k.*, a.customer_id, a.role, c.status as customer_status from personal_api_key k
				join account a on a.id = k.account_id
				join customer c on c.customer_id = a.customer_id
				where k.secret_hash = :hash""").param("hash", hash).query((rs, n) -> {
			var status = CustomerStatus.valueOf(rs.getString("customer_status").toUpperCase(Locale.ROOT));
			return new Owned(row(rs, n), rs.getString("customer_id"), AccountRole.of(rs.getString("role")), status);
		}).optional();
	}

	Optional<PersonalApiKey> find(UUID accountId, UUID id) {
		return jdbc.sql("select * from personal_api_key where id = :id and account_id = :account")
			.param("id", id)
			.param("account", accountId)
			.query(this::row)
			.optional();
	}

	Optional<String> secretHash(UUID id) {
		return jdbc.sql("select secret_hash from personal_api_key where id = :id")
			.param("id", id)
			.query(String.class)
			.optional();
	}

	List<PersonalApiKey> list(UUID accountId) {
		return jdbc.sql("select * from personal_api_key where account_id = :account order by created_at, id")
			.param("account", accountId)
			.query(this::row)
			.list();
	}

	/** Revokes every active key of the account; answers how many. */
	int revokeAll(UUID accountId, Instant at) {
		return jdbc
			.sql("update personal_api_key set revoked_at = :at where account_id = :account and revoked_at is null")
			.param("at", Timestamps.sql(at))
			.param("account", accountId)
			.update();
	}

	void revoke(UUID id, Instant at) {
		jdbc.sql("update personal_api_key set revoked_at = :at where id = :id and revoked_at is null")
			.param("at", Timestamps.sql(at))
			.param("id", id)
			.update();
	}

	void touch(UUID id, Instant at) {
		jdbc.sql("update personal_api_key set last_used_at = :at where id = :id")
			.param("at", Timestamps.sql(at))
			.param("id", id)
			.update();
	}

	private PersonalApiKey row(ResultSet rs, int n) throws SQLException {
		var scopes = EnumSet.noneOf(PersonalKeyScope.class);
		Arrays.stream(rs.getString("scopes").split(" "))
			.map(PersonalKeyScope::of)
			.forEach(scope -> scope.ifPresent(scopes::add));
		return new PersonalApiKey(rs.getObject("id", UUID.class), rs.getObject("account_id", UUID.class),
				rs.getString("name"), rs.getString("prefix"), scopes, Timestamps.readRequired(rs, "created_at"),
				Timestamps.read(rs, "expires_at"), Timestamps.read(rs, "last_used_at"),
				Timestamps.read(rs, "revoked_at"));
	}

}

package dev.plangate.identity.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

@Repository
class ImpersonationRepository {

	private final JdbcClient jdbc;

	ImpersonationRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(Impersonation impersonation) {
		jdbc.sql("""
				insert into impersonation (id, operator_account_id, operator_login, account_id, account_login,
				    customer_id, reason, mode, started_at, expires_at)
				values (:id, :operator, :operatorLogin, :account, :accountLogin, :customer, :reason, :mode, :started,
				    :expires)""")
			.param("id", impersonation.id())
			.param("operator", impersonation.operatorId())
			.param("operatorLogin", impersonation.operatorLogin())
			.param("account", impersonation.accountId())
			.param("accountLogin", impersonation.accountLogin())
			.param("customer", impersonation.customerId())
			.param("reason", impersonation.reason())
			.param("mode", impersonation.mode())
			.param("started", Timestamps.sql(impersonation.startedAt()))
			.param("expires", Timestamps.sql(impersonation.expiresAt()))
			.update();
	}

	Optional<Impersonation> find(UUID id) {
		return jdbc.sql("select * from impersonation where id = :id").param("id", id).query(this::row).optional();
	}

	/**
	 * Newest first (by start, then id), at most {@code limit}, after the
	 * {@code (startedAt, id)} of the last one of the page before.
	 * @param active null for all; true for those neither ended nor expired at {@code now}
	 */
	List<Impersonation> list(@Nullable Boolean active, @Nullable UUID operator, @Nullable UUID account,
			@Nullable Instant afterStartedAt, @Nullable UUID afterId, Instant now, int limit) {
		var sql = new StringBuilder("select * from impersonation where 1 = 1");
		var params = new LinkedHashMap<String, Object>();
		if (active != null) {
			sql.append(active ? " and ended_at is null and expires_at > :now"
					: " and (ended_at is not null or expires_at <= :now)");
			params.put("now", Timestamps.sql(now));
		}
		if (operator != null) {
			sql.append(" and operator_account_id = :operator");
			params.put("operator", operator);
		}
		if (account != null) {
			sql.append(" and account_id = :account");
			params.put("account", account);
		}
		if (afterStartedAt != null && afterId != null) {
			sql.append(" and (started_at < :afterStarted or (started_at = :afterStarted and id < :afterId))");
			params.put("afterStarted", Timestamps.sql(afterStartedAt));
			params.put("afterId", afterId);
		}
		sql.append(" order by started_at desc, id desc limit :limit");
		params.put("limit", limit);
		return jdbc.sql(sql.toString()).params(params).query(this::row).list();
	}

	/** Whether this call ended it (false: it had ended already). */
	boolean end(UUID id, Instant at, String by) {
		return jdbc.sql("update impersonation set ended_at = :at, ended_by = :by where id = :id and ended_at is null")
			.param("id", id)
			.param("at", Timestamps.sql(at))
			.param("by", by)
			.update() == 1;
	}

	private Impersonation row(ResultSet rs, int n) throws SQLException {
		return new Impersonation(rs.getObject("id", UUID.class), rs.getObject("operator_account_id", UUID.class),
				rs.getString("operator_login"), rs.getObject("account_id", UUID.class), rs.getString("account_login"),
				rs.getString("customer_id"), rs.getString("reason"), rs.getString("mode"),
				Timestamps.readRequired(rs, "started_at"), Timestamps.readRequired(rs, "expires_at"),
				Timestamps.read(rs, "ended_at"), rs.getString("ended_by"));
	}

}

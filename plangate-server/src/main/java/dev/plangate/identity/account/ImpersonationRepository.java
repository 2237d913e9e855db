package dev.plangate.identity.account;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

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

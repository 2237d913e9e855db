package dev.plangate.enforcement;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

@Repository
class AllowanceRepository {

	private final JdbcClient jdbc;

	AllowanceRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Removes the blocks that expired before {@code cutoff}, returned or not: neither can
	 * be given back any more, and the ledger keeps what each counted.
	 */
	int purgeExpiredBefore(Instant cutoff) {
		return jdbc.sql("delete from allowance where expires_at < :cutoff")
			.param("cutoff", Timestamps.sql(cutoff))
			.update();
	}

	void insert(Allowance a) {
		jdbc.sql("""
				insert into allowance (id, customer_id, feature_key, period_start, granted, reserved_at, expires_at)
				values (:id, :customer, :feature, :period, :granted, :reserved, :expires)""")
			.param("id", a.id())
			.param("customer", a.customerId())
			.param("feature", a.feature())
			.param("period", Timestamps.sql(a.periodStart()))
			.param("granted", a.granted())
			.param("reserved", Timestamps.sql(a.reservedAt()))
			.param("expires", Timestamps.sql(a.expiresAt()))
			.update();
	}

	/** A customer's block; empty when it has none of this id. */
	Optional<Allowance> find(String customerId, UUID id) {
		return jdbc.sql("select * from allowance where id = :id and customer_id = :customer")
			.param("id", id)
			.param("customer", customerId)
			.query(AllowanceRepository::allowance)
			.optional();
	}

	/**
	 * Marks a block given back, once: false when it was given back before (by another
	 * request, on any node).
	 */
	boolean markReturned(UUID id, long unspent, long returned, Instant at) {
		return jdbc.sql("""
				update allowance set unspent = :unspent, returned = :returned, returned_at = :at
				where id = :id and returned is null""")
			.param("id", id)
			.param("unspent", unspent)
			.param("returned", returned)
			.param("at", Timestamps.sql(at))
			.update() == 1;
	}

	private static Allowance allowance(ResultSet rs, int n) throws SQLException {
		return new Allowance(rs.getObject("id", UUID.class), rs.getString("customer_id"), rs.getString("feature_key"),
				Timestamps.readRequired(rs, "period_start"), rs.getLong("granted"),
				Timestamps.readRequired(rs, "reserved_at"), Timestamps.readRequired(rs, "expires_at"),
				nullableLong(rs, "unspent"), nullableLong(rs, "returned"), Timestamps.read(rs, "returned_at"));
	}

	private static @Nullable Long nullableLong(ResultSet rs, String column) throws SQLException {
		long value = rs.getLong(column);
		return rs.wasNull() ? null : value;
	}

}

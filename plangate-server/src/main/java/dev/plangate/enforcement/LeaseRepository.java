package dev.plangate.enforcement;

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
class LeaseRepository {

	private final JdbcClient jdbc;

	LeaseRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Holds the customer's slots of one feature until the transaction ends; nodes wait
	 * their turn here.
	 */
	void lockSlots(String customerId, String feature) {
		jdbc.sql(
				"insert into lease_lock (customer_id, feature_key) values (:customer, :feature) on conflict do nothing")
			.param("customer", customerId)
			.param("feature", feature)
			.update();
		jdbc.sql(
				"select customer_id from lease_lock where customer_id = :customer and feature_key = :feature for update")
			.param("customer", customerId)
			.param("feature", feature)
			.query(String.class)
			.single();
	}

	/** Frees the slots of holders that stopped heartbeating. */
	void deleteExpired(String customerId, String feature, Instant now) {
		jdbc.sql("delete from lease where customer_id = :customer and feature_key = :feature and expires_at <= :now")
			.param("customer", customerId)
			.param("feature", feature)
			.param("now", Timestamps.sql(now))
			.update();
	}

	/** The leases held now, soonest to expire first. */
	List<Lease> active(String customerId, String feature, Instant now) {
		return jdbc.sql("""
				select * from lease where customer_id = :customer and feature_key = :feature and expires_at > :now
				order by expires_at""")
			.param("customer", customerId)
			.param("feature", feature)
			.param("now", Timestamps.sql(now))
			.query(this::row)
			.list();
	}

	/** Every lease a customer holds now, by feature, oldest first. */
	List<Lease> activeOf(String customerId, Instant now) {
		return jdbc.sql("""
				select * from lease where customer_id = :customer and expires_at > :now
				order by feature_key, acquired_at, id""")
			.param("customer", customerId)
			.param("now", Timestamps.sql(now))
			.query(this::row)
			.list();
	}

	void insert(Lease lease) {
		jdbc.sql("""
				insert into lease (id, customer_id, feature_key, acquired_at, expires_at)
				values (:id, :customer, :feature, :acquired, :expires)""")
			.param("id", lease.id())
			.param("customer", lease.customerId())
			.param("feature", lease.feature())
			.param("acquired", Timestamps.sql(lease.acquiredAt()))
			.param("expires", Timestamps.sql(lease.expiresAt()))
			.update();
	}

	/** A lease that is still held. */
	Optional<Lease> findActive(UUID id, Instant now) {
		return jdbc.sql("select * from lease where id = :id and expires_at > :now")
			.param("id", id)
			.param("now", Timestamps.sql(now))
			.query(this::row)
			.optional();
	}

	/**
	 * Extends a lease that is still held; false when it expired or was released
	 * meanwhile.
	 */
	boolean extend(UUID id, Instant now, Instant expiresAt) {
		return jdbc.sql("update lease set expires_at = :expires where id = :id and expires_at > :now")
			.param("expires", Timestamps.sql(expiresAt))
			.param("id", id)
			.param("now", Timestamps.sql(now))
			.update() == 1;
	}

	/**
	 * Releases a lease still held; false when it expired (its slot is already free) or
	 * was released.
	 */
	boolean delete(UUID id, Instant now) {
		return jdbc.sql("delete from lease where id = :id and expires_at > :now")
			.param("id", id)
			.param("now", Timestamps.sql(now))
			.update() == 1;
	}

	private Lease row(ResultSet rs, int n) throws SQLException {
		return new Lease(rs.getObject("id", UUID.class), rs.getString("customer_id"), rs.getString("feature_key"),
				Timestamps.readRequired(rs, "acquired_at"), Timestamps.readRequired(rs, "expires_at"));
	}

}

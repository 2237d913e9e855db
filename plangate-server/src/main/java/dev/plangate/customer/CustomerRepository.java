package dev.plangate.customer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.catalog.Entitlement;
import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;
import tools.jackson.core.type.TypeReference;

@Repository
class CustomerRepository {

	private static final TypeReference<Map<String, Object>> METADATA = new TypeReference<>() {
	};

	/** Ids one read of state versions carries at most. */
	private static final int IDS_A_STATEMENT = 1000;

	private final JdbcClient jdbc;

	CustomerRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	Optional<Customer> find(String id) {
		return jdbc.sql("select * from customer where customer_id = :id").param("id", id).query(this::row).optional();
	}

	/** Reads a customer and holds its row until the transaction ends. */
	Optional<Customer> lock(String id) {
		return jdbc.sql("select * from customer where customer_id = :id for update")
			.param("id", id)
			.query(this::row)
			.optional();
	}

	/**
	 * Inserts unless the id exists; true when inserted. Two requests creating the same id
	 * at once both succeed: one inserts, the other finds the row (no duplicate-key
	 * failure aborts its transaction).
	 */
	boolean insert(Customer c) {
		return jdbc.sql("""
				insert into customer (customer_id, kind, name, email, status, region, metadata, created_at, updated_at)
				values (:id, :kind, :name, :email, :status, :region, :metadata, :at, :at)
				on conflict do nothing""").paramSource(params(c)).update() == 1;
	}

	void update(Customer c) {
		jdbc.sql("""
				update customer set name = :name, email = :email, status = :status, region = :region,
				  metadata = :metadata, updated_at = :updated, deleted_at = :deleted,
				  state_version = state_version + 1
				where customer_id = :id""").paramSource(params(c)).update();
	}

	/**
	 * The customer's state version, which grows with every change to the customer, its
	 * overrides and its subscription; empty for an unknown customer.
	 */
	Optional<Long> stateVersion(String id) {
		return jdbc.sql("select state_version from customer where customer_id = :id")
			.param("id", id)
			.query(Long.class)
			.optional();
	}

	/**
	 * The state versions of these customers, in as few reads as the ids allow; unknown
	 * customers are absent.
	 */
	Map<String, Long> stateVersions(Collection<String> ids) {
		var versions = new HashMap<String, Long>(ids.size() * 2);
		var list = List.copyOf(ids);
		for (int from = 0; from < list.size(); from += IDS_A_STATEMENT) {
			jdbc.sql("select customer_id, state_version from customer where customer_id in (:ids)")
				.param("ids", list.subList(from, Math.min(list.size(), from + IDS_A_STATEMENT)))
				.query((rs, n) -> versions.put(rs.getString(1), rs.getLong(2)))
				.list();
		}
		return versions;
	}

	/**
	 * Marks a change to what decides the customer's decisions. Called after the change is
	 * written (in its transaction, if any): a reader that sees the new version then sees
	 * the change too.
	 */
	void stateChanged(String id) {
		jdbc.sql("update customer set state_version = state_version + 1 where customer_id = :id")
			.param("id", id)
			.update();
	}

	private static Map<String, @Nullable Object> params(Customer c) {
		var params = new HashMap<String, @Nullable Object>();
		params.put("id", c.id());
		params.put("kind", c.kind());
		params.put("name", c.name());
		params.put("email", c.email());
		params.put("status", c.status().id());
		params.put("region", c.region());
		params.put("metadata", StoredJson.write(c.metadata()));
		params.put("at", Timestamps.sql(c.createdAt()));
		params.put("updated", Timestamps.sql(c.updatedAt()));
		params.put("deleted", Timestamps.sql(c.deletedAt()));
		return params;
	}

	/**
	 * One page in id order after {@code after}. The plan filter reads the subscription
	 * table: a customer's plan is what a back office filters by, and a join is the only
	 * way to page such a filter correctly.
	 */
	List<Customer> list(@Nullable String search, @Nullable CustomerStatus status, @Nullable String plan,
			@Nullable String after, int limit) {
		var sql = new StringBuilder("select c.* from customer c");
		var params = new HashMap<String, Object>();
		if (plan != null) {
			sql.append(" join subscription s on s.customer_id = c.customer_id and s.plan_key = :plan");
			params.put("plan", plan);
		}
		if (status != null) {
			sql.append(" where c.status = :status");
			params.put("status", status.id());
		}
		else {
			sql.append(" where c.status <> 'deleted'");
		}
		if (search != null) {
			sql.append(" and (lower(c.customer_id) like :search escape '\\' or lower(c.name) like :search escape '\\'"
					+ " or lower(c.email) like :search escape '\\')");
			params.put("search",
					"%" + search.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
							+ "%");
		}
		if (after != null) {
			sql.append(" and c.customer_id > :after");
			params.put("after", after);
		}
		sql.append(" order by c.customer_id limit :limit");
		params.put("limit", limit);
		return jdbc.sql(sql.toString()).params(params).query(this::row).list();
	}

	/**
	 * Customers not deleted, counted by plan, subscription status and customer status.
	 */
	record Count(String plan, String status, String customerStatus, long customers) {
	}

	/**
	 * One grouped read for the {@code plangate.customers} gauge; a customer without a
	 * subscription counts under plan and status {@code none}. The plan filter of
	 * {@link #list} reads the subscription table the same way.
	 */
	List<Count> countByPlanAndStatus() {
		return jdbc.sql("""
				select coalesce(s.plan_key, 'none') as plan, coalesce(s.status, 'none') as status,
				       c.status as customer_status, count(*) as customers
				from customer c left join subscription s on s.customer_id = c.customer_id
				where c.status <> 'deleted'
				group by coalesce(s.plan_key, 'none'), coalesce(s.status, 'none'), c.status
				""")
			.query((rs, n) -> new Count(rs.getString("plan"), rs.getString("status"), rs.getString("customer_status"),
					rs.getLong("customers")))
			.list();
	}

	private Customer row(ResultSet rs, int n) throws SQLException {
		return new Customer(rs.getString("customer_id"), rs.getString("kind"), rs.getString("name"),
				rs.getString("email"), CustomerStatus.of(rs.getString("status")), rs.getString("region"),
				StoredJson.read(rs.getString("metadata"), METADATA), Timestamps.readRequired(rs, "created_at"),
				Timestamps.readRequired(rs, "updated_at"), Timestamps.read(rs, "deleted_at"));
	}

	// overrides

	List<Override> overrides(String customerId) {
		return jdbc.sql("select * from customer_override where customer_id = :id order by feature_key")
			.param("id", customerId)
			.query(this::override)
			.list();
	}

	Optional<Override> override(String customerId, String feature) {
		return jdbc.sql("select * from customer_override where customer_id = :id and feature_key = :feature")
			.param("id", customerId)
			.param("feature", feature)
			.query(this::override)
			.optional();
	}

	void putOverride(Override o) {
		jdbc.sql("delete from customer_override where customer_id = :id and feature_key = :feature")
			.param("id", o.customerId())
			.param("feature", o.feature())
			.update();
		jdbc.sql("""
				insert into customer_override (customer_id, feature_key, entitlement, reason, set_by, set_at)
				values (:id, :feature, :entitlement, :reason, :by, :at)""")
			.param("id", o.customerId())
			.param("feature", o.feature())
			.param("entitlement", StoredJson.write(o.entitlement()))
			.param("reason", o.reason())
			.param("by", o.setBy())
			.param("at", Timestamps.sql(o.setAt()))
			.update();
		stateChanged(o.customerId());
	}

	void deleteOverride(String customerId, String feature) {
		jdbc.sql("delete from customer_override where customer_id = :id and feature_key = :feature")
			.param("id", customerId)
			.param("feature", feature)
			.update();
		stateChanged(customerId);
	}

	private Override override(ResultSet rs, int n) throws SQLException {
		return new Override(rs.getString("customer_id"), rs.getString("feature_key"),
				StoredJson.read(rs.getString("entitlement"), Entitlement.class), rs.getString("reason"),
				rs.getString("set_by"), Timestamps.readRequired(rs, "set_at"));
	}

	/**
	 * Customers created in {@code [from, to)} (deleted ones too) per UTC day, as days
	 * since the epoch.
	 */
	Map<Long, Long> createdPerDay(java.time.Instant from, java.time.Instant to) {
		var perDay = new java.util.TreeMap<Long, Long>();
		jdbc.sql("""
				select floor(extract(epoch from created_at) / 86400) as day_number, count(*) as n from customer
				where created_at >= :from and created_at < :to
				group by floor(extract(epoch from created_at) / 86400)""")
			.param("from", Timestamps.sql(from))
			.param("to", Timestamps.sql(to))
			.query((rs, n) -> perDay.put(rs.getLong("day_number"), rs.getLong("n")))
			.list();
		return perDay;
	}

}

package dev.plangate.metering;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

/**
 * Platform-wide sums of the hourly usage rollups. Usage by plan joins the subscription
 * table read-only, so that a sum over many customers stays one query.
 */
@Repository
class UsageStatsRepository {

	private final JdbcClient jdbc;

	UsageStatsRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/**
	 * Each feature's total and number of customers with usage in {@code [from, to)} and
	 * its total in {@code [previousFrom, from)}.
	 */
	List<FeatureTotal> totals(@Nullable String feature, Instant previousFrom, Instant from, Instant to) {
		return jdbc
			.sql("""
					select feature_key,
					       coalesce(sum(case when hour_start >= :from then amount else 0 end), 0),
					       coalesce(sum(case when hour_start < :from then amount else 0 end), 0),
					       count(distinct case when hour_start >= :from then customer_id end)
					from usage_rollup
					where hour_start >= :previousFrom and hour_start < :to"""
					+ (feature == null ? "" : " and feature_key = :feature")
					+ " group by feature_key order by feature_key")
			.param("previousFrom", Timestamps.sql(previousFrom))
			.param("from", Timestamps.sql(from))
			.param("to", Timestamps.sql(to))
			.param("feature", feature)
			.query((rs, n) -> new FeatureTotal(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)))
			.list();
	}

	/**
	 * The {@code limit} customers with the most usage of each feature in
	 * {@code [from, to)}, most first (then by id), with their current plan.
	 */
	List<CustomerTotal> top(@Nullable String feature, Instant from, Instant to, int limit) {
		return jdbc
			.sql("""
					select t.feature_key, t.customer_id, t.total, s.plan_key from (
					    select feature_key, customer_id, sum(amount) as total,
					           row_number() over (partition by feature_key order by sum(amount) desc, customer_id) as place
					    from usage_rollup
					    where hour_start >= :from and hour_start < :to"""
					+ (feature == null ? "" : " and feature_key = :feature") + """

							    group by feature_key, customer_id) t
							left join subscription s on s.customer_id = t.customer_id
							where t.place <= :limit
							order by t.feature_key, t.place""")
			.param("from", Timestamps.sql(from))
			.param("to", Timestamps.sql(to))
			.param("feature", feature)
			.param("limit", limit)
			.query((rs, n) -> new CustomerTotal(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)))
			.list();
	}

	/**
	 * Each feature's usage in {@code [from, to)} summed by the current plan of the
	 * customers who used it, with how many of them did.
	 */
	List<PlanTotal> byPlan(@Nullable String feature, Instant from, Instant to) {
		return jdbc
			.sql("""
					select s.plan_key, r.feature_key, sum(r.amount), count(distinct r.customer_id)
					from usage_rollup r join subscription s on s.customer_id = r.customer_id
					where r.hour_start >= :from and r.hour_start < :to"""
					+ (feature == null ? "" : " and r.feature_key = :feature")
					+ " group by s.plan_key, r.feature_key order by s.plan_key, r.feature_key")
			.param("from", Timestamps.sql(from))
			.param("to", Timestamps.sql(to))
			.param("feature", feature)
			.query((rs, n) -> new PlanTotal(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)))
			.list();
	}

	record FeatureTotal(String feature, long total, long previousTotal, long customers) {
	}

	record CustomerTotal(String feature, String customerId, long total, @Nullable String plan) {
	}

	record PlanTotal(String plan, String feature, long total, long customers) {
	}

}

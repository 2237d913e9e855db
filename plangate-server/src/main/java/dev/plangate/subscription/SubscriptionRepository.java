package dev.plangate.subscription;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;
import dev.plangate.subscription.SubscriptionService.PlanStatusCount;

@Repository
class SubscriptionRepository {

	private final JdbcClient jdbc;

	SubscriptionRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	Optional<Subscription> find(String customerId) {
		return jdbc.sql("select * from subscription where customer_id = :id")
			.param("id", customerId)
			.query(this::row)
			.optional();
	}

	Optional<Subscription> lock(String customerId) {
		return jdbc.sql("select * from subscription where customer_id = :id for update")
			.param("id", customerId)
			.query(this::row)
			.optional();
	}

	void insert(Subscription s, Instant at) {
		jdbc.sql("""
				insert into subscription (id, customer_id, plan_key, plan_version, status, started_at, period_anchor,
				  current_period_start, current_period_end, trial_end, cancel_at_period_end, canceled_at, ended_at,
				  pending_plan_key, pending_plan_version, pending_requested_at, pending_forced, past_due_since,
				  updated_at)
				values (:id, :customer, :plan, :version, :status, :started, :anchor, :start, :end, :trial, :cancel,
				  :canceled, :ended, :pendingPlan, :pendingVersion, :pendingAt, :pendingForced, :pastDueSince, :at)""")
			.paramSource(params(s, at))
			.update();
	}

	/**
	 * Writes a subscription if it still has the period end it was read with; false when
	 * another request moved it first.
	 */
	boolean update(Subscription s, Instant readPeriodEnd, Instant at) {
		var params = params(s, at);
		params.put("readEnd", Timestamps.sql(readPeriodEnd));
		return jdbc.sql("""
				update subscription set plan_key = :plan, plan_version = :version, status = :status,
				  period_anchor = :anchor, current_period_start = :start, current_period_end = :end,
				  trial_end = :trial, cancel_at_period_end = :cancel, canceled_at = :canceled, ended_at = :ended,
				  pending_plan_key = :pendingPlan, pending_plan_version = :pendingVersion,
				  pending_requested_at = :pendingAt, pending_forced = :pendingForced, past_due_since = :pastDueSince,
				  updated_at = :at
				where id = :id and current_period_end = :readEnd""").paramSource(params).update() == 1;
	}

	private static Map<String, @Nullable Object> params(Subscription s, Instant at) {
		var params = new HashMap<String, @Nullable Object>();
		params.put("id", s.id());
		params.put("customer", s.customerId());
		params.put("plan", s.planKey());
		params.put("version", s.planVersion());
		params.put("status", s.status().id());
		params.put("started", Timestamps.sql(s.startedAt()));
		params.put("anchor", Timestamps.sql(s.periodAnchor()));
		params.put("start", Timestamps.sql(s.currentPeriodStart()));
		params.put("end", Timestamps.sql(s.currentPeriodEnd()));
		params.put("trial", Timestamps.sql(s.trialEnd()));
		params.put("cancel", s.cancelAtPeriodEnd());
		params.put("canceled", Timestamps.sql(s.canceledAt()));
		params.put("ended", Timestamps.sql(s.endedAt()));
		var pending = s.pending();
		params.put("pendingPlan", pending == null ? null : pending.planKey());
		params.put("pendingVersion", pending == null ? null : pending.planVersion());
		params.put("pendingAt", pending == null ? null : Timestamps.sql(pending.requestedAt()));
		params.put("pendingForced", pending != null && pending.forced());
		params.put("pastDueSince", Timestamps.sql(s.pastDueSince()));
		params.put("at", Timestamps.sql(at));
		return params;
	}

	void recordChange(Subscription s, String action, @Nullable String fromPlan, @Nullable Integer fromVersion,
			String actor, Instant at) {
		recordChange(s, action, fromPlan, fromVersion, s.planKey(), s.planVersion(), actor, at);
	}

	/**
	 * Records a change whose plan is not the subscription's own, such as one scheduled
	 * for later.
	 */
	void recordChange(Subscription s, String action, @Nullable String fromPlan, @Nullable Integer fromVersion,
			String toPlan, int toVersion, String actor, Instant at) {
		jdbc.sql("""
				insert into subscription_change (subscription_id, customer_id, changed_at, action, from_plan_key,
				  from_version, to_plan_key, to_version, status, actor)
				values (:id, :customer, :at, :action, :fromPlan, :fromVersion, :toPlan, :toVersion, :status, :actor)""")
			.param("id", s.id())
			.param("customer", s.customerId())
			.param("at", Timestamps.sql(at))
			.param("action", action)
			.param("fromPlan", fromPlan)
			.param("fromVersion", fromVersion)
			.param("toPlan", toPlan)
			.param("toVersion", toVersion)
			.param("status", s.status().id())
			.param("actor", actor)
			.update();
	}

	List<SubscriptionChange> history(String customerId) {
		return jdbc.sql("select * from subscription_change where customer_id = :id order by id")
			.param("id", customerId)
			.query((rs, n) -> new SubscriptionChange(rs.getLong("id"), Timestamps.readRequired(rs, "changed_at"),
					rs.getString("action"), rs.getString("from_plan_key"), (Integer) rs.getObject("from_version"),
					rs.getString("to_plan_key"), (Integer) rs.getObject("to_version"), rs.getString("status"),
					rs.getString("actor")))
			.list();
	}

	/**
	 * A kind of change to subscriptions, counted per UTC day (days since the epoch).
	 */
	record DailyChanges(long day, String action, @Nullable String fromPlan, @Nullable Integer fromVersion,
			@Nullable String toPlan, @Nullable Integer toVersion, long count) {
	}

	/**
	 * The history entries of {@code [from, to)} that changed a subscription (not those
	 * that only scheduled a change or took one back), counted per day, action and plans.
	 */
	List<DailyChanges> changesPerDay(Instant from, Instant to) {
		return jdbc.sql("""
				select floor(extract(epoch from changed_at) / 86400) as day_number, action, from_plan_key, from_version,
				  to_plan_key, to_version, count(*) as n
				from subscription_change
				where changed_at >= :from and changed_at < :to
				  and action not in ('change_scheduled', 'scheduled_change_canceled')
				group by floor(extract(epoch from changed_at) / 86400), action, from_plan_key, from_version,
				  to_plan_key, to_version""")
			.param("from", Timestamps.sql(from))
			.param("to", Timestamps.sql(to))
			.query((rs, n) -> new DailyChanges(rs.getLong("day_number"), rs.getString("action"),
					rs.getString("from_plan_key"), (Integer) rs.getObject("from_version"), rs.getString("to_plan_key"),
					(Integer) rs.getObject("to_version"), rs.getLong("n")))
			.list();
	}

	/** The id of the customer's newest history entry, 0 without any. */
	long lastChangeId(String customerId) {
		return jdbc.sql("select coalesce(max(id), 0) from subscription_change where customer_id = :id")
			.param("id", customerId)
			.query(Long.class)
			.single();
	}

	boolean hasTrialed(String customerId, String planKey) {
		return jdbc.sql("""
				select count(*) from subscription_change
				where customer_id = :id and to_plan_key = :plan and status = 'trialing'""")
			.param("id", customerId)
			.param("plan", planKey)
			.query(Long.class)
			.single() > 0;
	}

	/**
	 * Customers on a plan's versions, with live subscriptions, limited to the given ids
	 * when there are some.
	 */
	List<String> lockSubscribers(String planKey, @Nullable Integer fromVersion, int toVersion,
			@Nullable List<String> customerIds) {
		return subscribers(planKey, fromVersion, toVersion, customerIds, true);
	}

	/**
	 * The customers {@link #lockSubscribers} would lock now, without locking them: what a
	 * migration's preview counts.
	 */
	List<String> subscribersToMove(String planKey, @Nullable Integer fromVersion, int toVersion) {
		return subscribers(planKey, fromVersion, toVersion, null, false);
	}

	private List<String> subscribers(String planKey, @Nullable Integer fromVersion, int toVersion,
			@Nullable List<String> customerIds, boolean lock) {
		var sql = new StringBuilder("""
				select customer_id from subscription
				where plan_key = :plan and plan_version <> :to and status in ('trialing', 'active', 'past_due')""");
		var params = new HashMap<String, Object>();
		params.put("plan", planKey);
		params.put("to", toVersion);
		if (fromVersion != null) {
			sql.append(" and plan_version = :from");
			params.put("from", fromVersion);
		}
		if (customerIds != null) {
			sql.append(" and customer_id in (:ids)");
			params.put("ids", customerIds);
		}
		sql.append(lock ? " order by customer_id for update" : " order by customer_id");
		return jdbc.sql(sql.toString()).params(params).query(String.class).list();
	}

	private Subscription row(ResultSet rs, int n) throws SQLException {
		return new Subscription(rs.getObject("id", UUID.class), rs.getString("customer_id"), rs.getString("plan_key"),
				rs.getInt("plan_version"), SubscriptionStatus.of(rs.getString("status")),
				Timestamps.readRequired(rs, "started_at"), Timestamps.readRequired(rs, "period_anchor"),
				Timestamps.readRequired(rs, "current_period_start"), Timestamps.readRequired(rs, "current_period_end"),
				Timestamps.read(rs, "trial_end"), rs.getBoolean("cancel_at_period_end"),
				Timestamps.read(rs, "canceled_at"), Timestamps.read(rs, "ended_at"), pending(rs),
				Timestamps.read(rs, "past_due_since"));
	}

	private static Subscription.@Nullable PendingChange pending(ResultSet rs) throws SQLException {
		var plan = rs.getString("pending_plan_key");
		if (plan == null) {
			return null;
		}
		return new Subscription.PendingChange(plan, rs.getInt("pending_plan_version"),
				Timestamps.readRequired(rs, "pending_requested_at"), rs.getBoolean("pending_forced"));
	}

	/**
	 * How many subscriptions each plan has in each status, as stored (a subscription is
	 * brought up to date when it is next read), of customers not deleted.
	 */
	List<PlanStatusCount> countByPlanAndStatus() {
		return jdbc.sql("""
				select s.plan_key, s.status, count(*) from subscription s
				join customer c on c.customer_id = s.customer_id
				where c.status <> 'deleted'
				group by s.plan_key, s.status
				order by s.plan_key, s.status""")
			.query((rs, n) -> new PlanStatusCount(rs.getString(1), rs.getString(2), rs.getLong(3)))
			.list();
	}

	/**
	 * How many subscriptions each version of each plan has in each status, of customers
	 * not deleted.
	 */
	List<VersionStatusCount> countByPlanVersionAndStatus() {
		return jdbc.sql("""
				select s.plan_key, s.plan_version, s.status, count(*) from subscription s
				join customer c on c.customer_id = s.customer_id
				where c.status <> 'deleted'
				group by s.plan_key, s.plan_version, s.status
				order by s.plan_key, s.plan_version, s.status""")
			.query((rs, n) -> new VersionStatusCount(rs.getString(1), rs.getInt(2),
					SubscriptionStatus.of(rs.getString(3)), rs.getLong(4)))
			.list();
	}

	record VersionStatusCount(String plan, int version, SubscriptionStatus status, long subscriptions) {
	}

}

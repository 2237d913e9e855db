package dev.plangate.metering;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;

@Repository
class LedgerRepository {

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batch;

	LedgerRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batch) {
		this.jdbc = jdbc;
		this.batch = batch;
	}

	/**
	 * Inserts events whose id is new for their customer; the answer says, per event,
	 * whether it was inserted.
	 */
	boolean[] insertNew(List<UsageEvent> events, List<@Nullable Consumed> consumed, Instant recordedAt) {
		var params = new SqlParameterSource[events.size()];
		for (int i = 0; i < params.length; i++) {
			var c = consumed.get(i);
			params[i] = eventParams(events.get(i), recordedAt).addValue("usedAfter", c == null ? null : c.usedAfter())
				.addValue("fromGrants", c == null ? null : c.fromGrants())
				.addValue("grantsLeft", c == null ? null : c.grantsLeft());
		}
		int[] counts = batch.batchUpdate("""
				insert into usage_event (customer_id, event_id, feature_key, amount, occurred_at, period_start,
				  recorded_at, properties, used_after, from_grants, grants_left)
				values (:customer, :event, :feature, :amount, :occurred, :period, :recorded, :properties, :usedAfter,
				  :fromGrants, :grantsLeft)
				on conflict do nothing""", params);
		var inserted = new boolean[counts.length];
		for (int i = 0; i < counts.length; i++) {
			inserted[i] = counts[i] != 0;
		}
		return inserted;
	}

	private static MapSqlParameterSource eventParams(UsageEvent e, Instant recordedAt) {
		return new MapSqlParameterSource().addValue("customer", e.customerId())
			.addValue("event", e.eventId())
			.addValue("feature", e.feature())
			.addValue("amount", e.amount())
			.addValue("occurred", Timestamps.sql(e.occurredAt()))
			.addValue("period", Timestamps.sql(e.periodStart()))
			.addValue("recorded", Timestamps.sql(recordedAt))
			.addValue("properties", e.properties().isEmpty() ? null : StoredJson.write(e.properties()));
	}

	/**
	 * The first answer to a consume recorded under this id: admitted, with the period's
	 * total right after it (the total now, for an event recorded without a limit).
	 */
	Optional<LedgerDecision> findConsumed(String customerId, String eventId, long currentTotal, @Nullable Long limit) {
		return jdbc.sql("select * from usage_event where customer_id = :customer and event_id = :event")
			.param("customer", customerId)
			.param("event", eventId)
			.query((rs, n) -> {
				long usedAfter = rs.getLong("used_after");
				return new LedgerDecision(recorded(rs, n), true, rs.wasNull() ? currentTotal : usedAfter, limit,
						nullableLong(rs, "from_grants"), nullableLong(rs, "grants_left"));
			})
			.optional();
	}

	Optional<Recorded> find(String customerId, String eventId) {
		return jdbc.sql("select * from usage_event where customer_id = :customer and event_id = :event")
			.param("customer", customerId)
			.param("event", eventId)
			.query(this::recorded)
			.optional();
	}

	/**
	 * Adds to usage totals, in key order so that writers on several nodes never wait on
	 * each other in a circle. A total that does not exist yet is inserted; if another
	 * writer inserted it a moment before, it is added to.
	 */
	void addToTotals(List<TotalKey> keys, Map<TotalKey, Long> amounts, Instant at) {
		var sorted = keys.stream().sorted().toList();
		var missing = sorted.stream().filter(k -> !update(k, amounts.get(k), at)).toList();
		for (var key : missing) {
			int inserted = jdbc.sql("""
					insert into usage_total (customer_id, feature_key, period_start, used, updated_at)
					values (:customer, :feature, :period, :used, :at) on conflict do nothing""")
				.paramSource(totalParams(key, amounts.get(key), at))
				.update();
			if (inserted == 0 && !update(key, amounts.get(key), at)) {
				throw new IllegalStateException("Usage total " + key + " neither exists nor can be created");
			}
		}
	}

	private boolean update(TotalKey key, long amount, Instant at) {
		return jdbc.sql("""
				update usage_total set used = used + :used, updated_at = :at
				where customer_id = :customer and feature_key = :feature and period_start = :period""")
			.paramSource(totalParams(key, amount, at))
			.update() == 1;
	}

	private static Map<String, @Nullable Object> totalParams(TotalKey key, long amount, Instant at) {
		var params = new java.util.HashMap<String, @Nullable Object>();
		params.put("customer", key.customerId());
		params.put("feature", key.feature());
		params.put("period", Timestamps.sql(key.periodStart()));
		params.put("used", amount);
		params.put("at", Timestamps.sql(at));
		return params;
	}

	/**
	 * Locks the totals of the given keys, creating those that do not exist yet, in key
	 * order so that writers on several nodes never wait on each other in a circle;
	 * answers each total.
	 */
	Map<TotalKey, Long> lockTotals(List<TotalKey> keys, Instant at) {
		var totals = new java.util.HashMap<TotalKey, Long>();
		for (var key : keys.stream().sorted().toList()) {
			jdbc.sql("""
					insert into usage_total (customer_id, feature_key, period_start, used, updated_at)
					values (:customer, :feature, :period, 0, :at) on conflict do nothing""")
				.paramSource(totalParams(key, 0, at))
				.update();
			totals.put(key, jdbc.sql("""
					select used from usage_total
					where customer_id = :customer and feature_key = :feature and period_start = :period for update""")
				.paramSource(totalParams(key, 0, at))
				.query(Long.class)
				.single());
		}
		return totals;
	}

	Optional<LedgerDecision> refusal(String customerId, String eventId) {
		return jdbc.sql("select * from consume_refusal where customer_id = :customer and event_id = :event")
			.param("customer", customerId)
			.param("event", eventId)
			.query((rs, n) -> new LedgerDecision(
					new Recorded(rs.getString("event_id"), rs.getString("customer_id"), rs.getString("feature_key"),
							rs.getLong("amount"), Timestamps.readRequired(rs, "decided_at"),
							Timestamps.readRequired(rs, "decided_at"), true),
					false, rs.getLong("used"), rs.getLong("limit_value"), null, nullableLong(rs, "grants_left")))
			.optional();
	}

	void insertRefusal(UsageEvent event, long used, long limit, @Nullable Long grantsLeft, Instant at) {
		jdbc.sql(
				"""
						insert into consume_refusal (customer_id, event_id, feature_key, amount, used, limit_value, grants_left,
						  decided_at)
						values (:customer, :event, :feature, :amount, :used, :limit, :grantsLeft, :at) on conflict do nothing""")
			.param("customer", event.customerId())
			.param("event", event.eventId())
			.param("feature", event.feature())
			.param("amount", event.amount())
			.param("used", used)
			.param("limit", limit)
			.param("grantsLeft", grantsLeft)
			.param("at", Timestamps.sql(at))
			.update();
	}

	/**
	 * Usage of one feature in the period starting at {@code periodStart}; 0 when none was
	 * recorded.
	 */
	long used(String customerId, String feature, Instant periodStart) {
		return jdbc.sql("""
				select used from usage_total
				where customer_id = :customer and feature_key = :feature and period_start = :period""")
			.param("customer", customerId)
			.param("feature", feature)
			.param("period", Timestamps.sql(periodStart))
			.query(Long.class)
			.optional()
			.orElse(0L);
	}

	/**
	 * The events of one feature in one period, for audits and rebuilding totals: the
	 * ledger's own sum.
	 */
	long ledgerSum(String customerId, String feature, Instant periodStart) {
		return jdbc.sql("""
				select coalesce(sum(amount), 0) from usage_event
				where customer_id = :customer and feature_key = :feature and period_start = :period""")
			.param("customer", customerId)
			.param("feature", feature)
			.param("period", Timestamps.sql(periodStart))
			.query(Long.class)
			.single();
	}

	private static @Nullable Long nullableLong(ResultSet rs, String column) throws SQLException {
		long value = rs.getLong(column);
		return rs.wasNull() ? null : value;
	}

	private Recorded recorded(ResultSet rs, int n) throws SQLException {
		return new Recorded(rs.getString("event_id"), rs.getString("customer_id"), rs.getString("feature_key"),
				rs.getLong("amount"), Timestamps.readRequired(rs, "occurred_at"),
				Timestamps.readRequired(rs, "recorded_at"), true);
	}

	/**
	 * What a consume left: the period's total right after it, and its draw on grants.
	 */
	record Consumed(long usedAfter, @Nullable Long fromGrants, @Nullable Long grantsLeft) {
	}

	/** What a usage total counts: one feature of one customer in one period. */
	record TotalKey(String customerId, String feature, Instant periodStart) implements Comparable<TotalKey> {

		@Override
		public int compareTo(TotalKey other) {
			int c = customerId.compareTo(other.customerId);
			if (c == 0) {
				c = feature.compareTo(other.feature);
			}
			return c != 0 ? c : periodStart.compareTo(other.periodStart);
		}
	}

}

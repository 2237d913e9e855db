package dev.plangate.alert;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;
import tools.jackson.core.type.TypeReference;

@Repository
class AlertRepository {

	static final String THRESHOLD = "threshold";

	static final String EXCEEDED = "exceeded";

	private static final TypeReference<List<Integer>> PERCENTS = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	AlertRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** A customer's own thresholds of one feature. */
	record CustomerThresholds(String customerId, String feature, List<Integer> thresholds, String setBy,
			Instant setAt) {
	}

	Optional<CustomerThresholds> thresholds(String customerId, String feature) {
		return jdbc.sql("select * from alert_threshold where customer_id = :customer and feature_key = :feature")
			.param("customer", customerId)
			.param("feature", feature)
			.query(AlertRepository::thresholds)
			.optional();
	}

	/** The own thresholds of these customers, keyed by customer and feature. */
	Map<String, List<Integer>> thresholds(Collection<String> customerIds) {
		var found = new HashMap<String, List<Integer>>();
		var ids = List.copyOf(new java.util.LinkedHashSet<>(customerIds));
		for (int from = 0; from < ids.size(); from += 1000) {
			jdbc.sql("select * from alert_threshold where customer_id in (:customers)")
				.param("customers", ids.subList(from, Math.min(ids.size(), from + 1000)))
				.query(AlertRepository::thresholds)
				.list()
				.forEach(t -> found.put(key(t.customerId(), t.feature()), t.thresholds()));
		}
		return found;
	}

	static String key(String customerId, String feature) {
		return customerId + '\u0000' + feature;
	}

	void putThresholds(CustomerThresholds t) {
		jdbc.sql("delete from alert_threshold where customer_id = :customer and feature_key = :feature")
			.param("customer", t.customerId())
			.param("feature", t.feature())
			.update();
		jdbc.sql("""
				insert into alert_threshold (customer_id, feature_key, thresholds, set_by, set_at)
				values (:customer, :feature, :thresholds, :setBy, :at)""")
			.param("customer", t.customerId())
			.param("feature", t.feature())
			.param("thresholds", StoredJson.write(t.thresholds()))
			.param("setBy", t.setBy())
			.param("at", Timestamps.sql(t.setAt()))
			.update();
	}

	void deleteThresholds(String customerId, String feature) {
		jdbc.sql("delete from alert_threshold where customer_id = :customer and feature_key = :feature")
			.param("customer", customerId)
			.param("feature", feature)
			.update();
	}

	private static CustomerThresholds thresholds(ResultSet rs, int n) throws SQLException {
		return new CustomerThresholds(rs.getString("customer_id"), rs.getString("feature_key"),
				StoredJson.read(rs.getString("thresholds"), PERCENTS), rs.getString("set_by"),
				Timestamps.readRequired(rs, "set_at"));
	}

	/**
	 * Records an alert unless one of the same customer, feature, period, kind and
	 * threshold was recorded before; answers whether this one was. Of concurrent writers,
	 * on any node, the unique key lets exactly one insert it.
	 */
	boolean insertIfAbsent(String customerId, String feature, Instant periodStart, @Nullable Instant periodEnd,
			String kind, int threshold, long used, long limit, String eventId, Instant at) {
		return jdbc.sql("""
				insert into usage_alert (customer_id, feature_key, period_start, period_end, kind, threshold, used,
				  limit_value, event_id, fired_at)
				values (:customer, :feature, :start, :end, :kind, :threshold, :used, :limit, :event, :at)
				on conflict do nothing""")
			.param("customer", customerId)
			.param("feature", feature)
			.param("start", Timestamps.sql(periodStart))
			.param("end", Timestamps.sql(periodEnd))
			.param("kind", kind)
			.param("threshold", threshold)
			.param("used", used)
			.param("limit", limit)
			.param("event", eventId)
			.param("at", Timestamps.sql(at))
			.update() == 1;
	}

	/** A customer's alerts, newest first, older than {@code before} when given. */
	List<Row> alerts(String customerId, @Nullable String feature, @Nullable Long before, int limit) {
		var sql = new StringBuilder("select * from usage_alert where customer_id = :customer");
		if (feature != null) {
			sql.append(" and feature_key = :feature");
		}
		if (before != null) {
			sql.append(" and seq < :before");
		}
		sql.append(" order by seq desc limit :limit");
		var rows = new ArrayList<Row>();
		jdbc.sql(sql.toString())
			.param("customer", customerId)
			.param("feature", feature)
			.param("before", before)
			.param("limit", limit)
			.query(rs -> {
				rows.add(new Row(rs.getLong("seq"), alert(rs)));
			});
		return rows;
	}

	record Row(long seq, UsageAlert alert) {
	}

	private static UsageAlert alert(ResultSet rs) throws SQLException {
		boolean exceeded = EXCEEDED.equals(rs.getString("kind"));
		return new UsageAlert(exceeded ? UsageAlerts.QUOTA_EXCEEDED : UsageAlerts.THRESHOLD_REACHED,
				rs.getString("feature_key"), exceeded ? null : rs.getInt("threshold"), rs.getLong("used"),
				rs.getLong("limit_value"), Timestamps.readRequired(rs, "period_start"),
				Timestamps.read(rs, "period_end"), rs.getString("event_id"), Timestamps.readRequired(rs, "fired_at"));
	}

}

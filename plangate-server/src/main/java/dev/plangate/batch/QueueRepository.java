package dev.plangate.batch;

import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;
import tools.jackson.databind.JsonNode;

/**
 * The queue of the whole system as operators read it: counts by priority and by customer,
 * recent ends, and batches of every customer.
 */
@Repository
class QueueRepository {

	/**
	 * The batches whose operations can have ended since {@code :since}: those not ended,
	 * and those ended since {@code :batchesSince}. A batch ends once none of its
	 * operations runs, so its operations ended no later than itself. Operations are read
	 * through their batches, not by their own end: on PostgreSQL no index of
	 * {@code batch_operation} holds its end, so that an operation's end, like its other
	 * changes, can be a heap-only update.
	 */
	private static final String ENDS_SINCE = "(b.status in (:active) or b.finished_at >= :batchesSince)";

	/**
	 * How much earlier than the operations' window the batches' window starts: an
	 * operation's end and its batch's can be timed by two nodes' clocks.
	 */
	private static final Duration CLOCKS_APART = Duration.ofMinutes(1);

	private final JdbcClient jdbc;

	QueueRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Counts at one priority level, filled in by the queries below. */
	static final class Level {

		long queuedBatches;

		long processingBatches;

		long queuedOperations;

		long runningOperations;

		long failedOperations;

	}

	/**
	 * Batches not ended and operations queued, running, or failed since {@code since}, by
	 * priority, highest first.
	 */
	Map<Integer, Level> byPriority(Instant since) {
		var levels = new TreeMap<Integer, Level>(Comparator.reverseOrder());
		jdbc.sql(
				"select priority, status, count(*) as n from batch where status in (:active) group by priority, status")
			.param("active", BatchStatus.NOT_ENDED)
			.query((ResultSet rs) -> {
				var level = levels.computeIfAbsent(rs.getInt("priority"), p -> new Level());
				if ("queued".equals(rs.getString("status"))) {
					level.queuedBatches += rs.getLong("n");
				}
				else {
					level.processingBatches += rs.getLong("n");
				}
			});
		jdbc.sql("""
				select b.priority, o.status, count(*) as n from batch b join batch_operation o on o.batch_id = b.id
				where b.status in (:processing) and o.status in ('pending', 'ready', 'running')
				group by b.priority, o.status
				union all
				select priority, 'pending', sum(operation_count) from batch where status = 'queued' group by priority
				union all
				select b.priority, o.status, count(*) from batch b join batch_operation o on o.batch_id = b.id
				where %s and o.finished_at >= :since and o.status = 'failed'
				group by b.priority, o.status""".formatted(ENDS_SINCE))
			.param("processing", BatchStatus.HOLDING_A_SLOT)
			.param("active", BatchStatus.NOT_ENDED)
			.param("batchesSince", batchesEndedSince(since))
			.param("since", Timestamps.sql(since))
			.query((ResultSet rs) -> {
				var level = levels.computeIfAbsent(rs.getInt("priority"), p -> new Level());
				long n = rs.getLong("n");
				switch (rs.getString("status")) {
					case "running" -> level.runningOperations += n;
					case "failed" -> level.failedOperations += n;
					default -> level.queuedOperations += n;
				}
			});
		return levels;
	}

	record CustomerCounts(String customerId, long queued, long running, long failed) {
	}

	/**
	 * The customers with the most operations queued or running, then those with recent
	 * failures.
	 */
	List<CustomerCounts> topCustomers(Instant since, int limit) {
		return jdbc.sql("""
				select c.customer_id, sum(c.queued) as queued, sum(c.running) as running, sum(c.failed) as failed
				from (
				  select o.customer_id,
				    sum(case when o.status in ('pending', 'ready') then 1 else 0 end) as queued,
				    sum(case when o.status = 'running' then 1 else 0 end) as running, 0 as failed
				  from batch b join batch_operation o on o.batch_id = b.id
				  where b.status in (:processing) and o.status in ('pending', 'ready', 'running')
				  group by o.customer_id
				  union all
				  select customer_id, sum(operation_count), 0, 0 from batch where status = 'queued' group by customer_id
				  union all
				  select o.customer_id, 0, 0, count(*) from batch b join batch_operation o on o.batch_id = b.id
				  where %s and o.finished_at >= :since and o.status = 'failed'
				  group by o.customer_id) c
				group by c.customer_id
				order by sum(c.queued) + sum(c.running) desc, sum(c.failed) desc, c.customer_id
				limit :limit""".formatted(ENDS_SINCE))
			.param("processing", BatchStatus.HOLDING_A_SLOT)
			.param("active", BatchStatus.NOT_ENDED)
			.param("batchesSince", batchesEndedSince(since))
			.param("since", Timestamps.sql(since))
			.param("limit", limit)
			.query((rs, n) -> new CustomerCounts(rs.getString("customer_id"), rs.getLong("queued"),
					rs.getLong("running"), rs.getLong("failed")))
			.list();
	}

	/** Operations succeeded and failed for good since each of {@code windows}. */
	record Ended(long succeeded, long failed) {
	}

	List<Ended> ended(List<Instant> since) {
		var earliest = since.stream().min(Instant::compareTo).orElseThrow();
		var sql = new StringBuilder("select ");
		for (int i = 0; i < since.size(); i++) {
			sql.append(i == 0 ? "" : ", ")
				.append("sum(case when o.status = 'succeeded' and o.finished_at >= :since")
				.append(i)
				.append(" then 1 else 0 end) as s")
				.append(i)
				.append(", sum(case when o.status = 'failed' and o.finished_at >= :since")
				.append(i)
				.append(" then 1 else 0 end) as f")
				.append(i);
		}
		sql.append(" from batch b join batch_operation o on o.batch_id = b.id where ")
			.append(ENDS_SINCE)
			.append(" and o.finished_at >= :earliest and o.status in ('succeeded', 'failed')");
		var statement = jdbc.sql(sql.toString())
			.param("active", BatchStatus.NOT_ENDED)
			.param("batchesSince", batchesEndedSince(earliest))
			.param("earliest", Timestamps.sql(earliest));
		for (int i = 0; i < since.size(); i++) {
			statement = statement.param("since" + i, Timestamps.sql(since.get(i)));
		}
		return statement.query((rs, n) -> {
			var ended = new ArrayList<Ended>();
			for (int i = 0; i < since.size(); i++) {
				ended.add(new Ended(rs.getLong("s" + i), rs.getLong("f" + i)));
			}
			return ended;
		}).single();
	}

	/**
	 * Batches of every customer, newest first: of one customer when named, in these
	 * states when any are named.
	 */
	List<Batch> batches(@Nullable String customerId, List<String> statuses, int limit) {
		var filter = new Filter().when("customer_id = :customer", "customer", customerId)
			.when("status in (:statuses)", "statuses", statuses.isEmpty() ? null : statuses);
		return jdbc.sql("select * from batch" + filter.where() + " order by submitted_at desc, id desc limit :limit")
			.params(filter.values)
			.param("limit", limit)
			.query(BatchRows::batch)
			.list();
	}

	/** Batches that ended with something failed, the latest first. */
	List<Batch> recentlyFailed(@Nullable String customerId, int limit) {
		var filter = new Filter().and("status in (:failed)", "failed", BatchStatus.ENDED_WITH_FAILURES)
			.when("customer_id = :customer", "customer", customerId);
		return jdbc.sql("select * from batch" + filter.where() + " order by finished_at desc, id desc limit :limit")
			.params(filter.values)
			.param("limit", limit)
			.query(BatchRows::batch)
			.list();
	}

	/** Operations that failed for good since {@code since}, the latest first. */
	List<Operation> recentlyFailedOperations(@Nullable String customerId, Instant since, int limit) {
		var filter = new Filter().and(ENDS_SINCE, "active", BatchStatus.NOT_ENDED)
			.value("batchesSince", batchesEndedSince(since))
			.and("o.status = 'failed' and o.finished_at >= :since", "since", Timestamps.sql(since))
			.when("b.customer_id = :customer", "customer", customerId);
		return jdbc
			.sql("select o.* from batch b join batch_operation o on o.batch_id = b.id" + filter.where()
					+ " order by o.finished_at desc, o.id desc limit :limit")
			.params(filter.values)
			.param("limit", limit)
			.query(BatchRows::operation)
			.list();
	}

	/**
	 * A statement's conditions and the values they name. A filter not asked for (its
	 * value null) is left out of the statement, rather than written
	 * {@code (:customer = '' or customer_id = :customer)}: PostgreSQL's plan for a
	 * statement kept server-side is made without the values, and such a condition can use
	 * no index, so that plan reads every customer's batches, however few the customer
	 * named has.
	 */
	private static final class Filter {

		private final List<String> conditions = new ArrayList<>();

		private final Map<String, @Nullable Object> values = new HashMap<>();

		/** Adds {@code condition}, naming {@code value} as {@code name}. */
		Filter and(String condition, String name, @Nullable Object value) {
			conditions.add(condition);
			return value(name, value);
		}

		/**
		 * Adds {@code condition}, naming {@code value} as {@code name}, when there is a
		 * value.
		 */
		Filter when(String condition, String name, @Nullable Object value) {
			return value == null ? this : and(condition, name, value);
		}

		/** Names a value that a condition already added refers to. */
		Filter value(String name, @Nullable Object value) {
			values.put(name, value);
			return this;
		}

		String where() {
			return conditions.isEmpty() ? "" : " where " + String.join(" and ", conditions);
		}

	}

	private static @Nullable OffsetDateTime batchesEndedSince(Instant since) {
		return Timestamps.sql(since.minus(CLOCKS_APART));
	}

	static @Nullable String text(@Nullable JsonNode error, String field) {
		if (error == null || !error.has(field) || error.get(field).isNull()) {
			return null;
		}
		var value = error.get(field);
		return value.isString() ? value.asString() : StoredJson.write(value);
	}

}

package dev.plangate.batch;

import java.sql.ResultSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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
				select b.priority, o.status, count(*) from batch_operation o join batch b on b.id = o.batch_id
				where o.finished_at >= :since and o.status = 'failed'
				group by b.priority, o.status""")
			.param("processing", BatchStatus.HOLDING_A_SLOT)
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
				  select customer_id, 0, 0, count(*) from batch_operation
				  where finished_at >= :since and status = 'failed' group by customer_id) c
				group by c.customer_id
				order by sum(c.queued) + sum(c.running) desc, sum(c.failed) desc, c.customer_id
				limit :limit""")
			.param("processing", BatchStatus.HOLDING_A_SLOT)
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
				.append("sum(case when status = 'succeeded' and finished_at >= :since")
				.append(i)
				.append(" then 1 else 0 end) as s")
				.append(i)
				.append(", sum(case when status = 'failed' and finished_at >= :since")
				.append(i)
				.append(" then 1 else 0 end) as f")
				.append(i);
		}
		sql.append(" from batch_operation where finished_at >= :earliest and status in ('succeeded', 'failed')");
		var statement = jdbc.sql(sql.toString()).param("earliest", Timestamps.sql(earliest));
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
		return jdbc.sql("""
				select * from batch where (:customer = '' or customer_id = :customer)
				  and (:anyStatus or status in (:statuses))
				order by submitted_at desc, id desc limit :limit""")
			.param("customer", customerId == null ? "" : customerId)
			.param("anyStatus", statuses.isEmpty())
			.param("statuses", statuses.isEmpty() ? List.of("") : statuses)
			.param("limit", limit)
			.query(BatchRows::batch)
			.list();
	}

	/** Batches that ended with something failed, the latest first. */
	List<Batch> recentlyFailed(@Nullable String customerId, int limit) {
		return jdbc.sql("""
				select * from batch where status in (:failed) and (:customer = '' or customer_id = :customer)
				order by finished_at desc, id desc limit :limit""")
			.param("failed", BatchStatus.ENDED_WITH_FAILURES)
			.param("customer", customerId == null ? "" : customerId)
			.param("limit", limit)
			.query(BatchRows::batch)
			.list();
	}

	/** Operations that failed for good since {@code since}, the latest first. */
	List<Operation> recentlyFailedOperations(@Nullable String customerId, Instant since, int limit) {
		return jdbc.sql("""
				select * from batch_operation where status = 'failed' and finished_at >= :since
				  and (:customer = '' or customer_id = :customer)
				order by finished_at desc, id desc limit :limit""")
			.param("since", Timestamps.sql(since))
			.param("customer", customerId == null ? "" : customerId)
			.param("limit", limit)
			.query(BatchRows::operation)
			.list();
	}

	static @Nullable String text(@Nullable JsonNode error, String field) {
		if (error == null || !error.has(field) || error.get(field).isNull()) {
			return null;
		}
		var value = error.get(field);
		return value.isString() ? value.asString() : StoredJson.write(value);
	}

}

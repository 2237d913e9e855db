package dev.plangate.batch;

import java.sql.ResultSet;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

/**
 * What admission reads and writes: its lock, the queue, the slots held, and slots given
 * back.
 */
@Repository
class AdmissionRepository {

	private final JdbcClient jdbc;

	AdmissionRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Locks the admission row: one node admits at a time. */
	void lockAdmission() {
		jdbc.sql("select id from batch_admission where id = 1 for update").query(Integer.class).single();
	}

	/**
	 * Queued batches, oldest first, at most {@code perCustomer} of each customer, so that
	 * one customer's backlog cannot hide everyone else's batches.
	 */
	List<Batch> queued(int perCustomer, int limit) {
		return jdbc.sql("""
				select * from (
				  select b.*, row_number() over (partition by customer_id order by submitted_at, id) as place
				  from batch b where status = 'queued' and not held) q
				where place <= :perCustomer order by submitted_at, id limit :limit""")
			.param("perCustomer", perCustomer)
			.param("limit", limit)
			.query(BatchRows::batch)
			.list();
	}

	/** Batches holding a processing slot, by customer. */
	Map<String, Integer> processingByCustomer() {
		var counts = new HashMap<String, Integer>();
		jdbc.sql("""
				select customer_id, count(*) as n from batch where status in (:holding) group by customer_id""")
			.param("holding", BatchStatus.HOLDING_A_SLOT)
			.query((ResultSet rs) -> {
				counts.put(rs.getString("customer_id"), rs.getInt("n"));
			});
		return counts;
	}

	int queuedOf(String customerId) {
		return jdbc.sql("select count(*) from batch where status = 'queued' and customer_id = :customer")
			.param("customer", customerId)
			.query(Integer.class)
			.single();
	}

	/** Moves a queued batch to processing; false when it is no longer queued. */
	boolean start(UUID id, Instant at, Instant deadline) {
		return jdbc.sql("""
				update batch set status = 'processing', started_at = :at, deadline_at = :deadline
				where id = :id and status = 'queued'""")
			.param("id", id)
			.param("at", Timestamps.sql(at))
			.param("deadline", Timestamps.sql(deadline))
			.update() == 1;
	}

	/**
	 * Processing batches of these customers none of whose operations has begun, the
	 * latest admitted first: those that can give their slot back.
	 */
	List<Batch> notBegun(Collection<String> customerIds, int limit) {
		if (customerIds.isEmpty()) {
			return List.of();
		}
		return jdbc.sql("""
				select * from batch b where status = 'processing' and customer_id in (:customers)
				  and not exists (select 1 from batch_operation o where o.batch_id = b.id
				                  and (o.status not in ('pending', 'ready') or o.attempts > 0))
				order by started_at desc, id desc limit :limit""")
			.param("customers", customerIds)
			.param("limit", limit)
			.query(BatchRows::batch)
			.list();
	}

	/**
	 * Puts a processing batch none of whose operations has begun back in the queue,
	 * without waiting for a lock: it, its ready rows and every one of its operations are
	 * locked first, in that order, skipping rows another transaction holds (a worker
	 * taking one of them). Answers the dispatch rank its first operation had, or nothing
	 * (and changes nothing) when any of them was held, has begun, or the batch is no
	 * longer processing.
	 */
	Optional<Long> requeueNotBegun(UUID id, int operationCount) {
		var batch = jdbc.sql("select id from batch where id = :id and status = 'processing' for update skip locked")
			.param("id", id)
			.query(UUID.class)
			.optional();
		if (batch.isEmpty()) {
			return Optional.empty();
		}
		record Row(String status, int attempts, long rank) {
		}
		int readyLocked = jdbc.sql("select seq from batch_ready where batch_id = :id for update skip locked")
			.param("id", id)
			.query(Integer.class)
			.list()
			.size();
		var operations = jdbc.sql("""
				select status, attempts, coalesce(fair_rank, 0) as fair_rank from batch_operation
				where batch_id = :id for update skip locked""")
			.param("id", id)
			.query((rs, n) -> new Row(rs.getString("status"), rs.getInt("attempts"), rs.getLong("fair_rank")))
			.list();
		if (operations.isEmpty() || operations.size() != operationCount
				|| operations.stream()
					.anyMatch(o -> o.attempts() > 0 || !(o.status().equals("pending") || o.status().equals("ready")))
				|| operations.stream().filter(o -> o.status().equals("ready")).count() != readyLocked) {
			return Optional.empty();
		}
		jdbc.sql("delete from batch_ready where batch_id = :id").param("id", id).update();
		jdbc.sql("""
				update batch_operation set status = 'pending', fair_rank = null, available_at = null
				where batch_id = :id""").param("id", id).update();
		jdbc.sql("update batch set status = 'queued', started_at = null, deadline_at = null where id = :id")
			.param("id", id)
			.update();
		return operations.stream().map(Row::rank).min(Long::compare);
	}

}

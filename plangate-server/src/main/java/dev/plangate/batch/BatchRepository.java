package dev.plangate.batch;

import java.sql.ResultSet;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;

/** Batches as stored: submitted, read, locked and moved from state to state. */
@Repository
class BatchRepository {

	private final JdbcClient jdbc;

	BatchRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	void insert(Batch b) {
		jdbc.sql(
				"""
						insert into batch (id, customer_id, region, status, priority, max_concurrent, parallel, continue_on_error,
						  max_attempts, operation_timeout_ms, batch_timeout_ms, operation_count, metadata, submitted_at)
						values (:id, :customer, :region, :status, :priority, :maxConcurrent, :parallel, :continueOnError,
						  :maxAttempts, :operationTimeout, :batchTimeout, :count, :metadata, :submitted)""")
			.param("id", b.id())
			.param("customer", b.customerId())
			.param("region", b.region())
			.param("status", b.status().id())
			.param("priority", b.priority())
			.param("maxConcurrent", b.maxConcurrent())
			.param("parallel", b.parallel())
			.param("continueOnError", b.continueOnError())
			.param("maxAttempts", b.maxAttempts())
			.param("operationTimeout", b.operationTimeout().toMillis())
			.param("batchTimeout", b.batchTimeout().toMillis())
			.param("count", b.operationCount())
			.param("metadata", b.metadata().isEmpty() ? null : StoredJson.write(b.metadata()))
			.param("submitted", Timestamps.sql(b.submittedAt()))
			.update();
	}

	Optional<Batch> find(UUID id) {
		return jdbc.sql("select * from batch where id = :id").param("id", id).query(BatchRows::batch).optional();
	}

	/** The ids of a customer's batches queued or processing, oldest first. */
	List<UUID> queuedOrProcessing(String customerId) {
		return jdbc.sql("""
				select id from batch where customer_id = :customer and status in ('queued', 'processing')
				order by submitted_at, id""").param("customer", customerId).query(UUID.class).list();
	}

	Optional<Batch> lock(UUID id) {
		return jdbc.sql("select * from batch where id = :id for update")
			.param("id", id)
			.query(BatchRows::batch)
			.optional();
	}

	/**
	 * A customer's batches, newest first, from a cursor (the last id of the previous
	 * page).
	 */
	List<Batch> list(String customerId, @Nullable BatchStatus status, @Nullable Instant before, @Nullable UUID beforeId,
			int limit) {
		return jdbc.sql("""
				select * from batch where customer_id = :customer and (:status = '' or status = :status)
				  and (cast(:before as timestamp with time zone) is null or submitted_at < :before
				       or (submitted_at = :before and id < :beforeId))
				order by submitted_at desc, id desc limit :limit""")
			.param("customer", customerId)
			.param("status", status == null ? "" : status.id())
			.param("before", Timestamps.sql(before))
			.param("beforeId", beforeId)
			.param("limit", limit)
			.query(BatchRows::batch)
			.list();
	}

	void setStatus(UUID id, BatchStatus status, @Nullable String error, @Nullable Instant finishedAt) {
		jdbc.sql("""
				update batch set status = :status, error = coalesce(:error, error), finished_at = :finished
				where id = :id""")
			.param("id", id)
			.param("status", status.id())
			.param("error", error == null || error.length() <= 2000 ? error : error.substring(0, 1999) + "…")
			.param("finished", Timestamps.sql(finishedAt))
			.update();
	}

	void setDeadline(UUID id, Instant deadline) {
		jdbc.sql("update batch set deadline_at = :deadline where id = :id")
			.param("id", id)
			.param("deadline", Timestamps.sql(deadline))
			.update();
	}

	/** Holds a customer's queued batches (not admitted), or lets them go. */
	int holdQueued(String customerId, boolean held) {
		return jdbc.sql("update batch set held = :held where customer_id = :customer and status = 'queued'")
			.param("held", held)
			.param("customer", customerId)
			.update();
	}

	/** Gives a customer's queued batches new terms. */
	int requeue(String customerId, int priority, @Nullable Long maxConcurrent, boolean parallel) {
		return jdbc.sql("""
				update batch set priority = :priority, max_concurrent = :maxConcurrent, parallel = :parallel
				where customer_id = :customer and status = 'queued'""")
			.param("priority", priority)
			.param("maxConcurrent", maxConcurrent)
			.param("parallel", parallel)
			.param("customer", customerId)
			.update();
	}

	/**
	 * A batch's state and whether any of its operations has not finished, read without a
	 * lock. The last unfinished is looked for: operations are taken in order, so the
	 * batch's last is unfinished until nearly its end, and the look ends at its first
	 * entry.
	 */
	record Progress(BatchStatus status, boolean parallel, boolean unfinished) {
	}

	Map<UUID, Progress> progress(Collection<UUID> ids) {
		var progress = new HashMap<UUID, Progress>();
		if (ids.isEmpty()) {
			return progress;
		}
		jdbc.sql("""
				select b.id, b.status, b.parallel,
				  (select max(o.seq) from batch_operation o where o.batch_id = b.id and o.kind = 'operation'
				     and o.status in ('pending', 'ready', 'running')) is not null as unfinished
				from batch b where b.id in (:ids)""").param("ids", ids).query((ResultSet rs) -> {
			progress.put(rs.getObject("id", UUID.class), new Progress(BatchStatus.of(rs.getString("status")),
					rs.getBoolean("parallel"), rs.getBoolean("unfinished")));
		});
		return progress;
	}

	Map<String, Long> countByStatus() {
		var counts = new HashMap<String, Long>();
		jdbc.sql("select status, count(*) as n from batch group by status").query((ResultSet rs) -> {
			counts.put(rs.getString("status"), rs.getLong("n"));
		});
		return counts;
	}

	// --- operations

}

package dev.plangate.batch;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;
import tools.jackson.databind.JsonNode;

/**
 * Operations in workers' hands: taken under a lease, kept by heartbeats, ended attempt by
 * attempt.
 */
@Repository
class DispatchRepository {

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batchUpdates;

	DispatchRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batchUpdates) {
		this.jdbc = jdbc;
		this.batchUpdates = batchUpdates;
	}

	/**
	 * Locks up to {@code max} ready operations of the given regions (and types, when any
	 * are named), lowest rank first, skipping those another worker is taking.
	 */
	List<Operation> lockReady(Collection<String> regions, Collection<String> types, Instant now, int max) {
		return jdbc.sql("""
				select * from batch_operation
				where status = 'ready' and region in (:regions) and (:anyType or type in (:types))
				  and (available_at is null or available_at <= :now)
				order by fair_rank, batch_id, seq limit :max for update skip locked""")
			.param("regions", regions)
			.param("anyType", types.isEmpty())
			.param("types", types.isEmpty() ? List.of("") : types)
			.param("now", Timestamps.sql(now))
			.param("max", max)
			.query(BatchRows::operation)
			.list();
	}

	/** An operation to hand to a worker, with the lease it is held under. */
	record Dispatch(UUID id, Instant leaseExpires, Instant deadline) {
	}

	/** Hands operations to a worker, in one round trip. */
	void dispatchAll(List<Dispatch> dispatches, String workerId, Instant at) {
		var params = new SqlParameterSource[dispatches.size()];
		for (int i = 0; i < params.length; i++) {
			var d = dispatches.get(i);
			params[i] = new MapSqlParameterSource().addValue("id", d.id())
				.addValue("worker", workerId)
				.addValue("at", Timestamps.sql(at))
				.addValue("lease", Timestamps.sql(d.leaseExpires()))
				.addValue("deadline", Timestamps.sql(d.deadline()));
		}
		batchUpdates.batchUpdate("""
				update batch_operation set status = 'running', worker_id = :worker, attempts = attempts + 1,
				  started_at = :at, lease_expires_at = :lease, deadline_at = :deadline,
				  progress = null, message = null
				where id = :id""", params);
	}

	void heartbeat(UUID id, Instant leaseExpires, @Nullable Integer progress, @Nullable String message) {
		jdbc.sql("""
				update batch_operation set lease_expires_at = :lease, progress = coalesce(:progress, progress),
				  message = coalesce(:message, message)
				where id = :id""")
			.param("id", id)
			.param("lease", Timestamps.sql(leaseExpires))
			.param("progress", progress)
			.param("message", message)
			.update();
	}

	/** Ends an attempt: final, or back to ready after {@code availableAt}. */
	void finish(UUID id, OperationStatus status, @Nullable JsonNode result, @Nullable JsonNode error,
			@Nullable Instant availableAt, @Nullable Instant finishedAt) {
		jdbc.sql("""
				update batch_operation set status = :status, result = :result, error = coalesce(:error, error),
				  available_at = :available, finished_at = :finished, worker_id = null, lease_expires_at = null,
				  progress = case when :status = 'succeeded' then 100 else progress end
				where id = :id""")
			.param("id", id)
			.param("status", status.id())
			.param("result", BatchRows.json(result))
			.param("error", BatchRows.json(error))
			.param("available", Timestamps.sql(availableAt))
			.param("finished", Timestamps.sql(finishedAt))
			.update();
	}

	/** Ends operations well, each with its result, in one round trip. */
	void succeedAll(Map<UUID, @Nullable JsonNode> results, Instant finishedAt) {
		var params = new SqlParameterSource[results.size()];
		int i = 0;
		for (var entry : results.entrySet()) {
			params[i++] = new MapSqlParameterSource().addValue("id", entry.getKey())
				.addValue("result", BatchRows.json(entry.getValue()))
				.addValue("finished", Timestamps.sql(finishedAt));
		}
		batchUpdates.batchUpdate("""
				update batch_operation set status = 'succeeded', result = :result, available_at = null,
				  finished_at = :finished, worker_id = null, lease_expires_at = null, progress = 100
				where id = :id""", params);
	}

}

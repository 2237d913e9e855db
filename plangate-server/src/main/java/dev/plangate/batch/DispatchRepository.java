package dev.plangate.batch;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;
import tools.jackson.databind.JsonNode;

/**
 * Operations in workers' hands: taken under a lease, kept by heartbeats, ended attempt by
 * attempt. On PostgreSQL the operations of a poll or of a bulk completion are updated in
 * one statement (from arrays), elsewhere in one JDBC batch.
 */
@Repository
class DispatchRepository {

	private final JdbcClient jdbc;

	private final JdbcTemplate batchUpdates;

	private final boolean postgres;

	DispatchRepository(JdbcClient jdbc, JdbcTemplate batchUpdates, DataSource dataSource) {
		this.jdbc = jdbc;
		this.batchUpdates = batchUpdates;
		this.postgres = BatchRows.isPostgres(dataSource);
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

	/**
	 * Hands operations to a worker, in one round trip (positional parameters: this runs
	 * for every operation dispatched).
	 */
	void dispatchAll(List<Dispatch> dispatches, String workerId, Instant at) {
		var started = Timestamps.sql(at);
		if (postgres) {
			// one statement for all of them: PostgreSQL plans and runs it once
			var ids = new UUID[dispatches.size()];
			var leases = new String[ids.length];
			var deadlines = new String[ids.length];
			for (int i = 0; i < ids.length; i++) {
				ids[i] = dispatches.get(i).id();
				leases[i] = dispatches.get(i).leaseExpires().toString();
				deadlines[i] = dispatches.get(i).deadline().toString();
			}
			batchUpdates.update(connection -> {
				var ps = connection.prepareStatement("""
						update batch_operation o set status = 'running', worker_id = ?, attempts = o.attempts + 1,
						  started_at = ?, lease_expires_at = cast(d.lease as timestamptz),
						  deadline_at = cast(d.deadline as timestamptz), progress = null, message = null
						from unnest(?, ?, ?) as d(id, lease, deadline) where o.id = d.id""");
				ps.setString(1, workerId);
				ps.setObject(2, started);
				ps.setArray(3, connection.createArrayOf("uuid", ids));
				ps.setArray(4, connection.createArrayOf("varchar", leases));
				ps.setArray(5, connection.createArrayOf("varchar", deadlines));
				return ps;
			});
			return;
		}
		batchUpdates.batchUpdate("""
				update batch_operation set status = 'running', worker_id = ?, attempts = attempts + 1,
				  started_at = ?, lease_expires_at = ?, deadline_at = ?, progress = null, message = null
				where id = ?""", new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement ps, int i) throws SQLException {
				var d = dispatches.get(i);
				ps.setString(1, workerId);
				ps.setObject(2, started);
				ps.setObject(3, Timestamps.sql(d.leaseExpires()));
				ps.setObject(4, Timestamps.sql(d.deadline()));
				ps.setObject(5, d.id());
			}

			@Override
			public int getBatchSize() {
				return dispatches.size();
			}

		});
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

	/** Ends operations well, each with its result (JSON text), in one round trip. */
	void succeedAll(Map<UUID, @Nullable String> results, Instant finishedAt) {
		var finished = Timestamps.sql(finishedAt);
		var ended = List.copyOf(results.entrySet());
		if (postgres) {
			var ids = new UUID[ended.size()];
			var texts = new String[ids.length];
			for (int i = 0; i < ids.length; i++) {
				ids[i] = ended.get(i).getKey();
				texts[i] = ended.get(i).getValue();
			}
			batchUpdates.update(connection -> {
				var ps = connection.prepareStatement("""
						update batch_operation o set status = 'succeeded', result = d.result, available_at = null,
						  finished_at = ?, worker_id = null, lease_expires_at = null, progress = 100
						from unnest(?, ?) as d(id, result) where o.id = d.id""");
				ps.setObject(1, finished);
				ps.setArray(2, connection.createArrayOf("uuid", ids));
				ps.setArray(3, connection.createArrayOf("varchar", texts));
				return ps;
			});
			return;
		}
		batchUpdates.batchUpdate("""
				update batch_operation set status = 'succeeded', result = ?, available_at = null,
				  finished_at = ?, worker_id = null, lease_expires_at = null, progress = 100
				where id = ?""", new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement ps, int i) throws SQLException {
				var entry = ended.get(i);
				if (entry.getValue() == null) {
					ps.setNull(1, Types.VARCHAR);
				}
				else {
					ps.setString(1, entry.getValue());
				}
				ps.setObject(2, finished);
				ps.setObject(3, entry.getKey());
			}

			@Override
			public int getBatchSize() {
				return ended.size();
			}

		});
	}

}

package dev.plangate.batch;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;
import tools.jackson.databind.JsonNode;

/** A batch's operations as stored: recorded, read, counted, released and cancelled. */
@Repository
class OperationRepository {

	private final JdbcClient jdbc;

	private final JdbcTemplate batchUpdates;

	private final boolean postgres;

	OperationRepository(JdbcClient jdbc, JdbcTemplate batchUpdates, DataSource dataSource) {
		this.jdbc = jdbc;
		this.batchUpdates = batchUpdates;
		this.postgres = BatchRows.isPostgres(dataSource);
	}

	/**
	 * Records operations in one round trip: on PostgreSQL in one statement from arrays,
	 * elsewhere in one JDBC batch (positional parameters: a submission runs this for each
	 * of up to thousands of operations).
	 */
	void insertOperations(List<Operation> operations) {
		if (operations.isEmpty()) {
			return;
		}
		if (postgres) {
			insertAll(operations);
			return;
		}
		batchUpdates.batchUpdate("""
				insert into batch_operation (id, batch_id, customer_id, seq, kind, compensates, region, type, payload,
				  idempotency_key, compensation, status, attempts, timeout_ms)
				values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)""", new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement ps, int i) throws SQLException {
				var o = operations.get(i);
				ps.setObject(1, o.id());
				ps.setObject(2, o.batchId());
				ps.setString(3, o.customerId());
				ps.setInt(4, o.seq());
				ps.setString(5, kind(o));
				if (o.compensates() == null) {
					ps.setNull(6, Types.INTEGER);
				}
				else {
					ps.setInt(6, o.compensates());
				}
				ps.setString(7, o.region());
				ps.setString(8, o.type());
				setText(ps, 9, BatchRows.json(o.payload()));
				setText(ps, 10, o.idempotencyKey());
				setText(ps, 11, BatchRows.json(o.compensation()));
				ps.setString(12, o.status().id());
				ps.setLong(13, o.timeout().toMillis());
			}

			@Override
			public int getBatchSize() {
				return operations.size();
			}

		});
	}

	/**
	 * PostgreSQL: one statement for all, from arrays. A JDBC batch sends them in one
	 * round trip too, but the server still runs one statement each, which took as long as
	 * inserting the row.
	 */
	private void insertAll(List<Operation> operations) {
		int n = operations.size();
		var ids = new UUID[n];
		var batches = new UUID[n];
		var customers = new String[n];
		var seqs = new Integer[n];
		var kinds = new String[n];
		var compensates = new Integer[n];
		var regions = new String[n];
		var types = new String[n];
		var payloads = new String[n];
		var keys = new String[n];
		var compensations = new String[n];
		var statuses = new String[n];
		var timeouts = new Long[n];
		for (int i = 0; i < n; i++) {
			var o = operations.get(i);
			ids[i] = o.id();
			batches[i] = o.batchId();
			customers[i] = o.customerId();
			seqs[i] = o.seq();
			kinds[i] = kind(o);
			compensates[i] = o.compensates();
			regions[i] = o.region();
			types[i] = o.type();
			payloads[i] = BatchRows.json(o.payload());
			keys[i] = o.idempotencyKey();
			compensations[i] = BatchRows.json(o.compensation());
			statuses[i] = o.status().id();
			timeouts[i] = o.timeout().toMillis();
		}
		batchUpdates.update(connection -> {
			var ps = connection.prepareStatement(
					"""
							insert into batch_operation (id, batch_id, customer_id, seq, kind, compensates, region, type, payload,
							  idempotency_key, compensation, status, attempts, timeout_ms)
							select o.id, o.batch_id, o.customer_id, o.seq, o.kind, o.compensates, o.region, o.type, o.payload,
							  o.idempotency_key, o.compensation, o.status, 0, o.timeout_ms
							from unnest(?::uuid[], ?::uuid[], ?::varchar[], ?::int[], ?::varchar[], ?::int[], ?::varchar[],
							  ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::bigint[])
							  as o(id, batch_id, customer_id, seq, kind, compensates, region, type, payload, idempotency_key,
							       compensation, status, timeout_ms)""");
			ps.setArray(1, connection.createArrayOf("uuid", ids));
			ps.setArray(2, connection.createArrayOf("uuid", batches));
			ps.setArray(3, connection.createArrayOf("varchar", customers));
			ps.setArray(4, connection.createArrayOf("integer", seqs));
			ps.setArray(5, connection.createArrayOf("varchar", kinds));
			ps.setArray(6, connection.createArrayOf("integer", compensates));
			ps.setArray(7, connection.createArrayOf("varchar", regions));
			ps.setArray(8, connection.createArrayOf("varchar", types));
			ps.setArray(9, connection.createArrayOf("varchar", payloads));
			ps.setArray(10, connection.createArrayOf("varchar", keys));
			ps.setArray(11, connection.createArrayOf("varchar", compensations));
			ps.setArray(12, connection.createArrayOf("varchar", statuses));
			ps.setArray(13, connection.createArrayOf("bigint", timeouts));
			return ps;
		});
	}

	private static String kind(Operation o) {
		return o.isCompensation() ? "compensation" : "operation";
	}

	private static void setText(PreparedStatement ps, int index, @Nullable String text) throws SQLException {
		if (text == null) {
			ps.setNull(index, Types.VARCHAR);
		}
		else {
			ps.setString(index, text);
		}
	}

	List<Operation> operations(UUID batchId) {
		return jdbc.sql("select * from batch_operation where batch_id = :batch order by seq")
			.param("batch", batchId)
			.query(BatchRows::operation)
			.list();
	}

	List<Operation> operations(Collection<UUID> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		return jdbc.sql("select * from batch_operation where id in (:ids)")
			.param("ids", ids)
			.query(BatchRows::operation)
			.list();
	}

	Optional<Operation> operation(UUID id) {
		return jdbc.sql("select * from batch_operation where id = :id")
			.param("id", id)
			.query(BatchRows::operation)
			.optional();
	}

	Optional<Operation> lockOperation(UUID id) {
		return jdbc.sql("select * from batch_operation where id = :id for update")
			.param("id", id)
			.query(BatchRows::operation)
			.optional();
	}

	/** What ending an operation needs to know of it; its JSON columns stay unread. */
	record Running(UUID id, UUID batchId, String customerId, int seq, @Nullable Integer compensates, String type,
			OperationStatus status, @Nullable String workerId, int attempts, @Nullable Instant startedAt) {
	}

	/**
	 * Operations locked for update, in id order (the order every bulk writer follows),
	 * with only what ending them needs.
	 */
	List<Running> lockRunning(Collection<UUID> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		return jdbc.sql("""
				select id, batch_id, customer_id, seq, compensates, type, status, worker_id, attempts, started_at
				from batch_operation where id in (:ids) order by id for update""").param("ids", ids).query((rs, n) -> {
			int compensates = rs.getInt("compensates");
			Integer compensatesSeq = rs.wasNull() ? null : compensates;
			return new Running(rs.getObject("id", UUID.class), rs.getObject("batch_id", UUID.class),
					rs.getString("customer_id"), rs.getInt("seq"), compensatesSeq, rs.getString("type"),
					OperationStatus.of(rs.getString("status")), rs.getString("worker_id"), rs.getInt("attempts"),
					Timestamps.read(rs, "started_at"));
		}).list();
	}

	/** How many of a batch's operations (or compensations) are in each state. */
	Map<OperationStatus, Integer> countByStatus(UUID batchId, boolean compensations) {
		var counts = new EnumMap<OperationStatus, Integer>(OperationStatus.class);
		for (var status : OperationStatus.values()) {
			counts.put(status, 0);
		}
		jdbc.sql("""
				select status, count(*) as n from batch_operation where batch_id = :batch and kind = :kind
				group by status""")
			.param("batch", batchId)
			.param("kind", compensations ? "compensation" : "operation")
			.query((ResultSet rs) -> {
				counts.put(OperationStatus.of(rs.getString("status")), rs.getInt("n"));
			});
		return counts;
	}

	/** For each of these batches, how many of its operations are in each state. */
	Map<UUID, Map<OperationStatus, Integer>> countsOf(List<UUID> batchIds) {
		var counts = new HashMap<UUID, Map<OperationStatus, Integer>>();
		for (var id : batchIds) {
			var empty = new EnumMap<OperationStatus, Integer>(OperationStatus.class);
			for (var status : OperationStatus.values()) {
				empty.put(status, 0);
			}
			counts.put(id, empty);
		}
		if (batchIds.isEmpty()) {
			return counts;
		}
		jdbc.sql("""
				select batch_id, status, count(*) as n from batch_operation
				where batch_id in (:ids) and kind = 'operation' group by batch_id, status""")
			.param("ids", batchIds)
			.query((ResultSet rs) -> {
				counts.get(rs.getObject("batch_id", UUID.class))
					.put(OperationStatus.of(rs.getString("status")), rs.getInt("n"));
			});
		return counts;
	}

	/** The first of a batch's operations (or compensations) that failed for good. */
	Optional<Operation> firstFailed(UUID batchId, boolean compensations) {
		return jdbc.sql("""
				select * from batch_operation where batch_id = :batch and kind = :kind and status = 'failed'
				order by seq limit 1""")
			.param("batch", batchId)
			.param("kind", compensations ? "compensation" : "operation")
			.query(BatchRows::operation)
			.optional();
	}

	/**
	 * Makes the next of a batch's pending operations (or compensations) ready, in order;
	 * answers how many (none when none is pending). The batch is locked by the caller.
	 */
	int releaseNext(UUID batchId, boolean compensations) {
		String kind = compensations ? "compensation" : "operation";
		var next = jdbc.sql("""
				select min(seq) from batch_operation where batch_id = :batch and kind = :kind and status = 'pending'""")
			.param("batch", batchId)
			.param("kind", kind)
			.query(Integer.class)
			.optional();
		if (next.isEmpty()) {
			return 0;
		}
		int released = jdbc.sql("""
				update batch_operation set status = 'ready'
				where batch_id = :batch and seq = :seq and status = 'pending'""")
			.param("batch", batchId)
			.param("seq", next.get())
			.update();
		jdbc.sql("""
				insert into batch_ready (batch_id, seq, region, fair_rank, type, available_at)
				select batch_id, seq, region, fair_rank, type, available_at from batch_operation
				where batch_id = :batch and seq = :seq and status = 'ready'""")
			.param("batch", batchId)
			.param("seq", next.get())
			.update();
		return released;
	}

	/**
	 * Cancels a batch's operations that have not started; answers how many. Their ready
	 * rows go first, locked as a worker's claim locks them, so that an operation a worker
	 * is taking at this moment is taken (and not cancelled) rather than both waiting on
	 * each other.
	 */
	int cancelWaiting(UUID batchId, Instant at) {
		jdbc.sql("delete from batch_ready where batch_id = :batch").param("batch", batchId).update();
		return jdbc.sql("""
				update batch_operation set status = 'cancelled', finished_at = :at
				where batch_id = :batch and status in ('pending', 'ready')""")
			.param("batch", batchId)
			.param("at", Timestamps.sql(at))
			.update();
	}

	/**
	 * Ends a batch's running operations as failed, with this error; answers them as they
	 * were.
	 */
	List<Operation> failRunning(UUID batchId, JsonNode error, Instant at) {
		var running = jdbc
			.sql("select * from batch_operation where batch_id = :batch and status = 'running' order by id for update")
			.param("batch", batchId)
			.query(BatchRows::operation)
			.list();
		for (var o : running) {
			jdbc.sql("""
					update batch_operation set status = 'failed', error = :error, finished_at = :at, worker_id = null,
					  lease_expires_at = null
					where id = :id""")
				.param("id", o.id())
				.param("error", BatchRows.json(error))
				.param("at", Timestamps.sql(at))
				.update();
		}
		return running;
	}

	/** Ready operations in one region's queue at one priority. */
	record Depth(String region, int priority, long ready) {
	}

	List<Depth> readyDepth() {
		return jdbc.sql("""
				select r.region, b.priority, count(*) as n from batch_ready r join batch b on b.id = r.batch_id
				group by r.region, b.priority order by r.region, b.priority""")
			.query((rs, n) -> new Depth(rs.getString("region"), rs.getInt("priority"), rs.getLong("n")))
			.list();
	}

}

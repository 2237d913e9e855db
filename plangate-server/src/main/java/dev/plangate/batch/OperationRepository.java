package dev.plangate.batch;

import java.sql.ResultSet;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

/** A batch's operations as stored: recorded, read, counted, released and cancelled. */
@Repository
class OperationRepository {

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batchUpdates;

	OperationRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batchUpdates) {
		this.jdbc = jdbc;
		this.batchUpdates = batchUpdates;
	}

	void insertOperations(List<Operation> operations) {
		var params = new SqlParameterSource[operations.size()];
		for (int i = 0; i < params.length; i++) {
			var o = operations.get(i);
			params[i] = new MapSqlParameterSource().addValue("id", o.id())
				.addValue("batch", o.batchId())
				.addValue("customer", o.customerId())
				.addValue("seq", o.seq())
				.addValue("kind", o.isCompensation() ? "compensation" : "operation")
				.addValue("compensates", o.compensates())
				.addValue("region", o.region())
				.addValue("type", o.type())
				.addValue("payload", BatchRows.json(o.payload()))
				.addValue("key", o.idempotencyKey())
				.addValue("compensation", BatchRows.json(o.compensation()))
				.addValue("status", o.status().id())
				.addValue("timeout", o.timeout().toMillis());
		}
		batchUpdates.batchUpdate(
				"""
						insert into batch_operation (id, batch_id, customer_id, seq, kind, compensates, region, type, payload,
						  idempotency_key, compensation, status, attempts, timeout_ms)
						values (:id, :batch, :customer, :seq, :kind, :compensates, :region, :type, :payload, :key, :compensation,
						  :status, 0, :timeout)""",
				params);
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

	/**
	 * Operations locked for update, in id order (the order every bulk writer follows).
	 */
	List<Operation> lockOperations(Collection<UUID> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		return jdbc.sql("select * from batch_operation where id in (:ids) order by id for update")
			.param("ids", ids)
			.query(BatchRows::operation)
			.list();
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
	 * Makes a batch's pending operations (or compensations) ready: all of them, or only
	 * the next in order; answers how many.
	 */
	int release(UUID batchId, boolean compensations, boolean all) {
		return jdbc.sql("""
				update batch_operation set status = 'ready'
				where batch_id = :batch and kind = :kind and status = 'pending'
				  and (:all or seq = (select min(seq) from batch_operation
				                      where batch_id = :batch and kind = :kind and status = 'pending'))""")
			.param("batch", batchId)
			.param("kind", compensations ? "compensation" : "operation")
			.param("all", all)
			.update();
	}

	/** Cancels a batch's operations that have not started; answers how many. */
	int cancelWaiting(UUID batchId, Instant at) {
		return jdbc.sql("""
				update batch_operation set status = 'cancelled', finished_at = :at
				where batch_id = :batch and status in ('pending', 'ready')""")
			.param("batch", batchId)
			.param("at", Timestamps.sql(at))
			.update();
	}

	/** Ready operations in one region's queue at one priority. */
	record Depth(String region, int priority, long ready) {
	}

	List<Depth> readyDepth() {
		return jdbc.sql("""
				select o.region, b.priority, count(*) as n from batch_operation o join batch b on b.id = o.batch_id
				where o.status = 'ready' group by o.region, b.priority order by o.region, b.priority""")
			.query((rs, n) -> new Depth(rs.getString("region"), rs.getInt("priority"), rs.getLong("n")))
			.list();
	}

}

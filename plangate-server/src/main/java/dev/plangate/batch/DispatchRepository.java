package dev.plangate.batch;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
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

import dev.plangate.batch.WorkerService.Dispatched;
import dev.plangate.platform.Timestamps;
import tools.jackson.databind.JsonNode;

/**
 * Operations in workers' hands: taken under a lease, kept by heartbeats, ended attempt by
 * attempt. On PostgreSQL a poll's operations are taken, with their events, in one
 * statement, and those of a bulk completion updated in one (from arrays); elsewhere in a
 * JDBC batch.
 */
@Repository
class DispatchRepository {

	private final JdbcClient jdbc;

	private final JdbcTemplate batchUpdates;

	private final BatchEventRepository eventLog;

	private final boolean postgres;

	DispatchRepository(JdbcClient jdbc, JdbcTemplate batchUpdates, BatchEventRepository eventLog,
			DataSource dataSource) {
		this.jdbc = jdbc;
		this.batchUpdates = batchUpdates;
		this.eventLog = eventLog;
		this.postgres = BatchRows.isPostgres(dataSource);
	}

	/**
	 * Hands up to {@code max} ready operations of the given regions (and types, when any
	 * are named) to a worker, lowest rank first, skipping those another worker is taking:
	 * each runs its next attempt, until the earlier of {@code leaseUntil} and its own
	 * deadline. Each one's {@code operation.started} event is written with it, its data
	 * what {@link WorkerService#operationEvent} writes.
	 *
	 * <p>
	 * The claim locks and deletes their rows of {@code batch_ready}, then their
	 * operations' (ready row first, the order every writer of both follows). On
	 * PostgreSQL that is one statement, so one round trip, whatever the number taken: the
	 * claim, the deletes (by the rows' own addresses, which a lock does not move, so that
	 * no estimate of the queue's size can turn them into a read of it), the updates and
	 * the events. Elsewhere (an embedded database, where a round trip is a call) the
	 * claim, then a delete and a locked read for each operation, then a JDBC batch of
	 * updates and one of events.
	 * @return the operations taken, in the order of their events
	 */
	List<Dispatched> take(Collection<String> regions, Collection<String> types, String workerId, Instant now,
			Instant leaseUntil, int max) {
		if (postgres) {
			return takeInOneStatement(regions, types, workerId, now, leaseUntil, max);
		}
		record Claimed(UUID batchId, int seq) {
		}
		var claimed = jdbc.sql("""
				select batch_id, seq from batch_ready
				where region in (:regions) and (:anyType or type in (:types))
				  and (available_at is null or available_at <= :now)
				order by fair_rank, batch_id, seq limit :max for update skip locked""")
			.param("regions", regions)
			.param("anyType", types.isEmpty())
			.param("types", types.isEmpty() ? List.of("") : types)
			.param("now", Timestamps.sql(now))
			.param("max", max)
			.query((rs, n) -> new Claimed(rs.getObject("batch_id", UUID.class), rs.getInt("seq")))
			.list();
		var taken = new ArrayList<Dispatched>();
		var events = new ArrayList<BatchEventRepository.NewEvent>();
		for (var c : claimed) {
			jdbc.sql("delete from batch_ready where batch_id = :batch and seq = :seq")
				.param("batch", c.batchId())
				.param("seq", c.seq())
				.update();
			var ready = jdbc.sql("""
					select * from batch_operation where batch_id = :batch and seq = :seq and status = 'ready'
					for update""")
				.param("batch", c.batchId())
				.param("seq", c.seq())
				.query((rs, n) -> taken(rs, rs.getInt("attempts") + 1, now, leaseUntil))
				.optional();
			if (ready.isEmpty()) {
				continue;
			}
			var o = ready.get();
			taken.add(o);
			events.add(new BatchEventRepository.NewEvent(o.batchId(), o.customerId(), "operation.started",
					WorkerService.operationEvent(o.id(), o.seq(), o.type(), o.compensates(), o.attempt(), workerId)));
		}
		if (!taken.isEmpty()) {
			dispatchAll(taken, workerId, now);
			eventLog.insertEvents(events, now);
		}
		return taken;
	}

	/**
	 * The claim locks the rows it takes (skipping locked ones); the update sets each
	 * one's lease from its own timeout; the insert writes their events numbered in the
	 * claim's order. The event data is built as {@link WorkerService#operationEvent}
	 * builds it, the worker's part given quoted.
	 */
	private List<Dispatched> takeInOneStatement(Collection<String> regions, Collection<String> types, String workerId,
			Instant now, Instant leaseUntil, int max) {
		var sql = new StringBuilder(1400).append("""
				with claimed as (
				  select ctid as row, batch_id, seq from batch_ready
				  where region in (""");
		placeholders(sql, regions.size());
		sql.append(")");
		if (!types.isEmpty()) {
			sql.append(" and type in (");
			placeholders(sql, types.size());
			sql.append(")");
		}
		sql.append(
				"""
						 and (available_at is null or available_at <= ?)
						  order by fair_rank, batch_id, seq limit ? for update skip locked),
						gone as (
						  delete from batch_ready where ctid = any (array(select row from claimed))),
						taken as (
						  update batch_operation o set status = 'running', worker_id = ?, attempts = o.attempts + 1,
						    started_at = ?, deadline_at = ? + o.timeout_ms * interval '1 millisecond',
						    lease_expires_at = least(?, ? + o.timeout_ms * interval '1 millisecond'),
						    progress = null, message = null
						  from claimed c where o.batch_id = c.batch_id and o.seq = c.seq and o.status = 'ready'
						  returning o.id, o.batch_id, o.customer_id, o.region, o.kind, o.compensates, o.seq, o.type,
						    o.payload, o.idempotency_key, o.attempts, o.timeout_ms, o.fair_rank),
						started as (
						  insert into batch_event (batch_id, customer_id, type, data, at)
						  select t.batch_id, t.customer_id, 'operation.started',
						    '{"attempt":' || t.attempts || coalesce(',"compensates":' || t.compensates, '')
						      || ',"operationId":"' || t.id || '","seq":' || t.seq || ',"type":' || to_json(t.type)::text || ?, ?
						  from taken t order by t.fair_rank, t.batch_id, t.seq)
						select * from taken order by fair_rank, batch_id, seq""");
		var started = Timestamps.sql(now);
		var taken = batchUpdates.query(connection -> {
			var ps = connection.prepareStatement(sql.toString());
			int i = 1;
			for (var region : regions) {
				ps.setString(i++, region);
			}
			for (var type : types) {
				ps.setString(i++, type);
			}
			ps.setObject(i++, started);
			ps.setInt(i++, max);
			ps.setString(i++, workerId);
			ps.setObject(i++, started);
			ps.setObject(i++, started);
			ps.setObject(i++, Timestamps.sql(leaseUntil));
			ps.setObject(i++, started);
			ps.setString(i++, WorkerService.operationEventWorker(workerId));
			ps.setObject(i, started);
			return ps;
		}, (rs, n) -> taken(rs, rs.getInt("attempts"), now, leaseUntil));
		taken.forEach(t -> eventLog.written(t.batchId(), t.customerId()));
		return taken;
	}

	private static void placeholders(StringBuilder sql, int count) {
		for (int i = 0; i < count; i++) {
			sql.append(i == 0 ? "?" : ", ?");
		}
	}

	private static Dispatched taken(ResultSet rs, int attempt, Instant now, Instant leaseUntil) throws SQLException {
		int compensates = rs.getInt("compensates");
		Integer compensatesSeq = rs.wasNull() ? null : compensates;
		var deadline = now.plusMillis(rs.getLong("timeout_ms"));
		return new Dispatched(rs.getObject("id", UUID.class), rs.getObject("batch_id", UUID.class),
				rs.getString("customer_id"), rs.getString("region"), "compensation".equals(rs.getString("kind")),
				compensatesSeq, rs.getInt("seq"), rs.getString("type"), rs.getString("payload"),
				rs.getString("idempotency_key"), attempt, leaseUntil.isBefore(deadline) ? leaseUntil : deadline,
				deadline);
	}

	/**
	 * Hands operations to a worker in one JDBC batch (positional parameters: this runs
	 * for every operation dispatched).
	 */
	private void dispatchAll(List<Dispatched> taken, String workerId, Instant at) {
		var started = Timestamps.sql(at);
		batchUpdates.batchUpdate("""
				update batch_operation set status = 'running', worker_id = ?, attempts = attempts + 1,
				  started_at = ?, lease_expires_at = ?, deadline_at = ?, progress = null, message = null
				where id = ?""", new BatchPreparedStatementSetter() {

			@Override
			public void setValues(PreparedStatement ps, int i) throws SQLException {
				var t = taken.get(i);
				ps.setString(1, workerId);
				ps.setObject(2, started);
				ps.setObject(3, Timestamps.sql(t.leaseExpiresAt()));
				ps.setObject(4, Timestamps.sql(t.deadlineAt()));
				ps.setObject(5, t.id());
			}

			@Override
			public int getBatchSize() {
				return taken.size();
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

	/**
	 * Ends an attempt: final, or back to ready after {@code availableAt}, when it enters
	 * {@code batch_ready} again.
	 */
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
		if (status == OperationStatus.READY) {
			jdbc.sql("""
					insert into batch_ready (batch_id, seq, region, fair_rank, type, available_at)
					select batch_id, seq, region, fair_rank, type, available_at from batch_operation where id = :id""")
				.param("id", id)
				.update();
		}
	}

	/** Whether {@link #completeInOneStatement} can be used: on PostgreSQL. */
	boolean completesInOneStatement() {
		return postgres;
	}

	/**
	 * An operation a completion named, as it was when locked: whether the completion
	 * ended it (it was running under this worker) and what is needed of it afterwards.
	 */
	record Named(UUID id, UUID batchId, String customerId, @Nullable Instant startedAt, boolean ended) {
	}

	/**
	 * PostgreSQL: ends well, in one statement, those of the named operations this worker
	 * holds (running under it), each with its result (JSON text), writing their
	 * {@code operation.completed} events (data as {@link WorkerService#operationEvent}
	 * writes it, in id order); answers every named operation that exists.
	 *
	 * <p>
	 * The operations are locked first, in id order (the order every bulk writer follows);
	 * the time their events and ends are stamped with is taken once all those locks are
	 * held: {@code now} plus the time the statement waited for them, as the database
	 * measures it. An event therefore never says a moment earlier than the statement took
	 * its number, however long it waited, and a reader paging by time, which shows only
	 * events older than {@link BatchService#SETTLED}, cannot pass over a number that an
	 * earlier-stamped event is still to commit under.
	 */
	List<Named> completeInOneStatement(String workerId, Map<UUID, @Nullable String> results, Instant now) {
		var ids = new UUID[results.size()];
		var texts = new String[ids.length];
		int n = 0;
		for (var entry : results.entrySet()) {
			ids[n] = entry.getKey();
			texts[n++] = entry.getValue();
		}
		var named = batchUpdates.query(connection -> {
			var ps = connection.prepareStatement(
					"""
							with wanted as (
							  select w.id, w.result from unnest(?::uuid[], ?::varchar[]) as w(id, result)),
							locked as (
							  select o.id, o.batch_id, o.customer_id, o.seq, o.compensates, o.type, o.status, o.worker_id,
							    o.attempts, o.started_at
							  from batch_operation o where o.id in (select id from wanted) order by o.id for update),
							stamp as (
							  select ?::timestamptz + (clock_timestamp() - statement_timestamp()) as at
							  from (select count(*) from locked) l),
							done as (
							  update batch_operation o set status = 'succeeded', result = w.result, available_at = null,
							    finished_at = s.at, worker_id = null, lease_expires_at = null, progress = 100
							  from locked l join wanted w on w.id = l.id cross join stamp s
							  where o.id = l.id and l.status = 'running' and l.worker_id = ?
							  returning o.id),
							completed as (
							  insert into batch_event (batch_id, customer_id, type, data, at)
							  select l.batch_id, l.customer_id, 'operation.completed',
							    '{"attempt":' || l.attempts || coalesce(',"compensates":' || l.compensates, '')
							      || ',"operationId":"' || l.id || '","seq":' || l.seq || ',"type":' || to_json(l.type)::text || '}',
							    s.at
							  from locked l join done d on d.id = l.id cross join stamp s order by l.id)
							select l.id, l.batch_id, l.customer_id, l.started_at, d.id is not null as ended
							from locked l left join done d on d.id = l.id order by l.id""");
			ps.setArray(1, connection.createArrayOf("uuid", ids));
			ps.setArray(2, connection.createArrayOf("varchar", texts));
			ps.setObject(3, Timestamps.sql(now));
			ps.setString(4, workerId);
			return ps;
		}, (rs, row) -> new Named(rs.getObject("id", UUID.class), rs.getObject("batch_id", UUID.class),
				rs.getString("customer_id"), Timestamps.read(rs, "started_at"), rs.getBoolean("ended")));
		named.stream().filter(Named::ended).forEach(o -> eventLog.written(o.batchId(), o.customerId()));
		return named;
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

package dev.plangate.batch;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

@Repository
class BatchRepository {

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batchUpdates;

	private final EventNotices notices;

	BatchRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batchUpdates, EventNotices notices) {
		this.jdbc = jdbc;
		this.batchUpdates = batchUpdates;
		this.notices = notices;
	}

	// --- batches

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
		return jdbc.sql("select * from batch where id = :id").param("id", id).query(this::batch).optional();
	}

	/** The ids of a customer's batches queued or processing, oldest first. */
	List<UUID> queuedOrProcessing(String customerId) {
		return jdbc.sql("""
				select id from batch where customer_id = :customer and status in ('queued', 'processing')
				order by submitted_at, id""").param("customer", customerId).query(UUID.class).list();
	}

	Optional<Batch> lock(UUID id) {
		return jdbc.sql("select * from batch where id = :id for update").param("id", id).query(this::batch).optional();
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
			.query(this::batch)
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
			.query(this::batch)
			.list();
	}

	/** Batches holding a processing slot, by customer. */
	Map<String, Integer> processingByCustomer() {
		var counts = new HashMap<String, Integer>();
		jdbc.sql("""
				select customer_id, count(*) as n from batch
				where status in ('processing', 'failing', 'cancelling', 'rolling_back') group by customer_id""")
			.query((ResultSet rs) -> {
				counts.put(rs.getString("customer_id"), rs.getInt("n"));
			});
		return counts;
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
			.query(this::batch)
			.list();
	}

	/**
	 * Puts a processing batch none of whose operations has begun back in the queue,
	 * without waiting for a lock: it and every one of its operations are locked first,
	 * skipping rows another transaction holds (a worker taking one of them). Answers the
	 * dispatch rank its first operation had, or nothing (and changes nothing) when any of
	 * them was held, has begun, or the batch is no longer processing.
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
		var operations = jdbc.sql("""
				select status, attempts, coalesce(fair_rank, 0) as fair_rank from batch_operation
				where batch_id = :id for update skip locked""")
			.param("id", id)
			.query((rs, n) -> new Row(rs.getString("status"), rs.getInt("attempts"), rs.getLong("fair_rank")))
			.list();
		if (operations.isEmpty() || operations.size() != operationCount || operations.stream()
			.anyMatch(o -> o.attempts() > 0 || !(o.status().equals("pending") || o.status().equals("ready")))) {
			return Optional.empty();
		}
		jdbc.sql("""
				update batch_operation set status = 'pending', fair_rank = null, available_at = null
				where batch_id = :id""").param("id", id).update();
		jdbc.sql("update batch set status = 'queued', started_at = null, deadline_at = null where id = :id")
			.param("id", id)
			.update();
		return operations.stream().map(Row::rank).min(Long::compare);
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

	int queuedOf(String customerId) {
		return jdbc.sql("select count(*) from batch where status = 'queued' and customer_id = :customer")
			.param("customer", customerId)
			.query(Integer.class)
			.single();
	}

	/**
	 * A batch's state and how many of its operations have not finished, read without a
	 * lock.
	 */
	record Progress(BatchStatus status, boolean parallel, int unfinished) {
	}

	Map<UUID, Progress> progress(Collection<UUID> ids) {
		var progress = new HashMap<UUID, Progress>();
		if (ids.isEmpty()) {
			return progress;
		}
		jdbc.sql("""
				select b.id, b.status, b.parallel,
				  (select count(*) from batch_operation o where o.batch_id = b.id and o.kind = 'operation'
				     and o.status in ('pending', 'ready', 'running')) as unfinished
				from batch b where b.id in (:ids)""").param("ids", ids).query((ResultSet rs) -> {
			progress.put(rs.getObject("id", UUID.class), new Progress(BatchStatus.of(rs.getString("status")),
					rs.getBoolean("parallel"), rs.getInt("unfinished")));
		});
		return progress;
	}

	/**
	 * Batches holding a processing slot with no operation ready or running: each has
	 * something to settle (its end, its next operation, its rollback), left undone if the
	 * node that finished their last operation stopped before settling them.
	 */
	List<UUID> unsettled(int limit) {
		return jdbc.sql("""
				select id from batch b where status in ('processing', 'failing', 'cancelling', 'rolling_back')
				  and not exists (select 1 from batch_operation o where o.batch_id = b.id
				                  and o.status in ('ready', 'running'))
				order by submitted_at limit :limit""").param("limit", limit).query(UUID.class).list();
	}

	/** Processing batches past their deadline. */
	List<UUID> overdue(Instant now, int limit) {
		return jdbc.sql("""
					select id from batch where status in ('processing', 'rolling_back') and deadline_at <= :now
				order by deadline_at limit :limit""")
			.param("now", Timestamps.sql(now))
			.param("limit", limit)
			.query(UUID.class)
			.list();
	}

	Map<String, Long> countByStatus() {
		var counts = new HashMap<String, Long>();
		jdbc.sql("select status, count(*) as n from batch group by status").query((ResultSet rs) -> {
			counts.put(rs.getString("status"), rs.getLong("n"));
		});
		return counts;
	}

	// --- operations

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
				.addValue("payload", json(o.payload()))
				.addValue("key", o.idempotencyKey())
				.addValue("compensation", json(o.compensation()))
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
			.query(this::operationRow)
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
			.query(this::operationRow)
			.optional();
	}

	Optional<Operation> operation(UUID id) {
		return jdbc.sql("select * from batch_operation where id = :id")
			.param("id", id)
			.query(this::operationRow)
			.optional();
	}

	Optional<Operation> lockOperation(UUID id) {
		return jdbc.sql("select * from batch_operation where id = :id for update")
			.param("id", id)
			.query(this::operationRow)
			.optional();
	}

	/**
	 * Sets the dispatch order of a batch's operations (or compensations): {@code first}
	 * for {@code firstSeq}, then {@code step} apart.
	 */
	void rank(UUID batchId, boolean compensations, int firstSeq, long first, long step) {
		jdbc.sql("""
				update batch_operation set fair_rank = :first + cast(seq - :firstSeq as bigint) * :step
				where batch_id = :batch and kind = :kind""")
			.param("batch", batchId)
			.param("kind", compensations ? "compensation" : "operation")
			.param("firstSeq", firstSeq)
			.param("first", first)
			.param("step", step)
			.update();
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

	/** The lowest rank waiting in a region's queue. */
	Optional<Long> lowestReadyRank(String region) {
		return jdbc.sql("""
				select min(fair_rank) as lowest from batch_operation
				where status in ('pending', 'ready') and region = :region and fair_rank is not null""")
			.param("region", region)
			.query((rs, n) -> {
				long lowest = rs.getLong("lowest");
				return rs.wasNull() ? Optional.<Long>empty() : Optional.of(lowest);
			})
			.single();
	}

	long clock(String region) {
		jdbc.sql("""
				insert into batch_queue_clock (region, vtime) select :region, 0
				where not exists (select 1 from batch_queue_clock where region = :region)""")
			.param("region", region)
			.update();
		return jdbc.sql("select vtime from batch_queue_clock where region = :region")
			.param("region", region)
			.query(Long.class)
			.single();
	}

	void setClock(String region, long vtime) {
		jdbc.sql("update batch_queue_clock set vtime = :vtime where region = :region")
			.param("region", region)
			.param("vtime", vtime)
			.update();
	}

	long lastTag(String region, String customerId) {
		return jdbc.sql("select last_tag from batch_queue_tag where region = :region and customer_id = :customer")
			.param("region", region)
			.param("customer", customerId)
			.query(Long.class)
			.optional()
			.orElse(0L);
	}

	void setLastTag(String region, String customerId, long tag) {
		if (jdbc.sql("update batch_queue_tag set last_tag = :tag where region = :region and customer_id = :customer")
			.param("region", region)
			.param("customer", customerId)
			.param("tag", tag)
			.update() == 0) {
			jdbc.sql("insert into batch_queue_tag (region, customer_id, last_tag) values (:region, :customer, :tag)")
				.param("region", region)
				.param("customer", customerId)
				.param("tag", tag)
				.update();
		}
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
			.query(this::operationRow)
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
			.param("result", json(result))
			.param("error", json(error))
			.param("available", Timestamps.sql(availableAt))
			.param("finished", Timestamps.sql(finishedAt))
			.update();
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
			.query(this::operationRow)
			.list();
	}

	List<Operation> operations(Collection<UUID> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		return jdbc.sql("select * from batch_operation where id in (:ids)")
			.param("ids", ids)
			.query(this::operationRow)
			.list();
	}

	/** Ends operations well, each with its result, in one round trip. */
	void succeedAll(Map<UUID, @Nullable JsonNode> results, Instant finishedAt) {
		var params = new SqlParameterSource[results.size()];
		int i = 0;
		for (var entry : results.entrySet()) {
			params[i++] = new MapSqlParameterSource().addValue("id", entry.getKey())
				.addValue("result", json(entry.getValue()))
				.addValue("finished", Timestamps.sql(finishedAt));
		}
		batchUpdates.batchUpdate("""
				update batch_operation set status = 'succeeded', result = :result, available_at = null,
				  finished_at = :finished, worker_id = null, lease_expires_at = null, progress = 100
				where id = :id""", params);
	}

	/** Running operations whose lease ran out. */
	List<UUID> expiredLeases(Instant now, int limit) {
		return jdbc.sql("""
				select id from batch_operation where status = 'running' and lease_expires_at <= :now
				order by lease_expires_at limit :limit""")
			.param("now", Timestamps.sql(now))
			.param("limit", limit)
			.query(UUID.class)
			.list();
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

	// --- events

	void insertEvent(UUID batchId, String customerId, String type, Map<String, Object> data, Instant at) {
		var keys = new GeneratedKeyHolder();
		jdbc.sql("""
				insert into batch_event (batch_id, customer_id, type, data, at)
				values (:batch, :customer, :type, :data, :at)""")
			.param("batch", batchId)
			.param("customer", customerId)
			.param("type", type)
			.param("data", StoredJson.write(data))
			.param("at", Timestamps.sql(at))
			.update(keys, "seq");
		// every writer of events comes through here, so every write wakes the live
		// streams
		var seq = keys.getKey();
		notices.written(batchId, customerId, seq == null ? 0 : seq.longValue());
	}

	/** An event to record: its batch, customer, type and data. */
	record NewEvent(UUID batchId, String customerId, String type, Map<String, Object> data) {
	}

	/**
	 * Records events in one round trip, in the order given, and like {@link #insertEvent}
	 * wakes the live streams once they commit.
	 */
	void insertEvents(List<NewEvent> events, Instant at) {
		if (events.isEmpty()) {
			return;
		}
		var params = new SqlParameterSource[events.size()];
		for (int i = 0; i < params.length; i++) {
			var e = events.get(i);
			params[i] = new MapSqlParameterSource().addValue("batch", e.batchId())
				.addValue("customer", e.customerId())
				.addValue("type", e.type())
				.addValue("data", StoredJson.write(e.data()))
				.addValue("at", Timestamps.sql(at));
		}
		batchUpdates.batchUpdate("""
				insert into batch_event (batch_id, customer_id, type, data, at)
				values (:batch, :customer, :type, :data, :at)""", params);
		// a JDBC batch does not answer the numbers given: the notices say "newer than
		// any", which wakes every stream following these batches
		var batches = new LinkedHashMap<UUID, String>();
		events.forEach(e -> batches.putIfAbsent(e.batchId(), e.customerId()));
		batches.forEach((batchId, customerId) -> notices.written(batchId, customerId, Long.MAX_VALUE));
	}

	/** Events of every batch after {@code afterSeq}, oldest first. */
	List<BatchEvent> eventsAfter(long afterSeq, int limit) {
		return jdbc.sql("select * from batch_event where seq > :after order by seq limit :limit")
			.param("after", afterSeq)
			.param("limit", limit)
			.query(this::eventRow)
			.list();
	}

	long lastEventSeq() {
		return jdbc.sql("select coalesce(max(seq), 0) from batch_event").query(Long.class).single();
	}

	/**
	 * Events after {@code afterSeq} written before {@code settledBefore}, of one batch or
	 * of all of a customer's batches; the page ends before the first newer one.
	 */
	List<BatchEvent> settledEvents(String customerId, @Nullable UUID batchId, long afterSeq, Instant settledBefore,
			int limit) {
		var page = new ArrayList<BatchEvent>();
		for (var event : events(customerId, batchId, afterSeq, limit)) {
			if (!event.at().isBefore(settledBefore)) {
				break;
			}
			page.add(event);
		}
		return page;
	}

	/** Events after {@code afterSeq}, of one batch or of all of a customer's batches. */
	List<BatchEvent> events(String customerId, @Nullable UUID batchId, long afterSeq, int limit) {
		return jdbc.sql("""
				select * from batch_event where customer_id = :customer and (:anyBatch or batch_id = :batch)
				  and seq > :after order by seq limit :limit""")
			.param("customer", customerId)
			.param("anyBatch", batchId == null)
			.param("batch", batchId == null ? new UUID(0, 0) : batchId)
			.param("after", afterSeq)
			.param("limit", limit)
			.query(this::eventRow)
			.list();
	}

	private BatchEvent eventRow(ResultSet rs, int n) throws SQLException {
		return new BatchEvent(rs.getLong("seq"), rs.getObject("batch_id", UUID.class), rs.getString("customer_id"),
				rs.getString("type"), StoredJson.read(rs.getString("data"), JsonNode.class),
				Timestamps.readRequired(rs, "at"));
	}

	// --- mapping

	private static @Nullable String json(@Nullable JsonNode node) {
		return node == null || node.isNull() ? null : node.toString();
	}

	private static @Nullable JsonNode readJson(ResultSet rs, String column) throws SQLException {
		var text = rs.getString(column);
		return text == null ? null : StoredJson.read(text, JsonNode.class);
	}

	private Batch batch(ResultSet rs, int n) throws SQLException {
		long maxConcurrent = rs.getLong("max_concurrent");
		Long cap = rs.wasNull() ? null : maxConcurrent;
		var metadata = rs.getString("metadata");
		return new Batch(rs.getObject("id", UUID.class), rs.getString("customer_id"), rs.getString("region"),
				BatchStatus.of(rs.getString("status")), rs.getInt("priority"), cap, rs.getBoolean("parallel"),
				rs.getBoolean("continue_on_error"), rs.getInt("max_attempts"),
				Duration.ofMillis(rs.getLong("operation_timeout_ms")),
				Duration.ofMillis(rs.getLong("batch_timeout_ms")), rs.getInt("operation_count"),
				metadata == null ? Map.of() : StoredJson.read(metadata, MAP), rs.getString("error"),
				Timestamps.readRequired(rs, "submitted_at"), Timestamps.read(rs, "started_at"),
				Timestamps.read(rs, "deadline_at"), Timestamps.read(rs, "finished_at"));
	}

	private Operation operationRow(ResultSet rs, int n) throws SQLException {
		int compensates = rs.getInt("compensates");
		Integer compensatesSeq = rs.wasNull() ? null : compensates;
		int progress = rs.getInt("progress");
		Integer progressValue = rs.wasNull() ? null : progress;
		return new Operation(rs.getObject("id", UUID.class), rs.getObject("batch_id", UUID.class),
				rs.getString("customer_id"), rs.getInt("seq"), "compensation".equals(rs.getString("kind")),
				compensatesSeq, rs.getString("region"), rs.getString("type"), readJson(rs, "payload"),
				rs.getString("idempotency_key"), readJson(rs, "compensation"),
				OperationStatus.of(rs.getString("status")), rs.getInt("attempts"), Timestamps.read(rs, "available_at"),
				rs.getString("worker_id"), Timestamps.read(rs, "lease_expires_at"), Timestamps.read(rs, "deadline_at"),
				progressValue, rs.getString("message"), readJson(rs, "result"), readJson(rs, "error"),
				Timestamps.read(rs, "started_at"), Timestamps.read(rs, "finished_at"),
				Duration.ofMillis(rs.getLong("timeout_ms")));
	}

}

package dev.plangate.batch;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import tools.jackson.databind.JsonNode;

/** The batch event log: events recorded, and read back in number order. */
@Repository
class BatchEventRepository {

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batchUpdates;

	private final EventNotices notices;

	BatchEventRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batchUpdates, EventNotices notices) {
		this.jdbc = jdbc;
		this.batchUpdates = batchUpdates;
		this.notices = notices;
	}

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

}

package dev.plangate.batch;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.BatchPreparedStatementSetter;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.PlannedEachTime;
import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;
import tools.jackson.databind.JsonNode;

/** The batch event log: events recorded, and read back in number order. */
@Repository
class BatchEventRepository {

	/** A customer's events after a number, at most so many, in order. */
	static final String CUSTOMER_EVENTS = """
			select * from batch_event where customer_id = ? and seq > ? order by seq limit ?""";

	/** A batch's events after a number, at most so many, in order. */
	static final String BATCH_EVENTS = """
			select * from batch_event where batch_id = ? and customer_id = ? and seq > ? order by seq limit ?""";

	private final JdbcClient jdbc;

	private final JdbcTemplate batchUpdates;

	private final EventNotices notices;

	private final boolean postgres;

	BatchEventRepository(JdbcClient jdbc, JdbcTemplate batchUpdates, EventNotices notices, DataSource dataSource) {
		this.postgres = BatchRows.isPostgres(dataSource);
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

	/** An event to record: its batch, customer, type and data as stored JSON text. */
	record NewEvent(UUID batchId, String customerId, String type, String data) {
	}

	/**
	 * Records events in one round trip, in the order given, and like {@link #insertEvent}
	 * wakes the live streams once they commit.
	 */
	void insertEvents(List<NewEvent> events, Instant at) {
		if (events.isEmpty()) {
			return;
		}
		var stamp = Timestamps.sql(at);
		if (postgres) {
			insertAll(events, stamp);
		}
		else {
			insertEach(events, stamp);
		}
		var batches = new LinkedHashMap<UUID, String>();
		events.forEach(e -> batches.putIfAbsent(e.batchId(), e.customerId()));
		batches.forEach(this::written);
	}

	/**
	 * Events of the batch were written in the current transaction by a statement of
	 * another repository: wakes the live streams once they commit. A statement writing
	 * many does not answer their numbers, so the notice says "newer than any", which
	 * wakes every stream following the batch.
	 */
	void written(UUID batchId, String customerId) {
		notices.written(batchId, customerId, Long.MAX_VALUE);
	}

	/**
	 * PostgreSQL: one statement for all, from arrays, numbered in the order given.
	 */
	private void insertAll(List<NewEvent> events, OffsetDateTime at) {
		var batches = new UUID[events.size()];
		var customers = new String[batches.length];
		var types = new String[batches.length];
		var data = new String[batches.length];
		for (int i = 0; i < batches.length; i++) {
			var e = events.get(i);
			batches[i] = e.batchId();
			customers[i] = e.customerId();
			types[i] = e.type();
			data[i] = e.data();
		}
		batchUpdates.update(connection -> {
			var ps = connection.prepareStatement("""
					insert into batch_event (batch_id, customer_id, type, data, at)
					select e.batch_id, e.customer_id, e.type, e.data, ?
					from unnest(?, ?, ?, ?) with ordinality as e(batch_id, customer_id, type, data, n) order by e.n""");
			ps.setObject(1, at);
			ps.setArray(2, connection.createArrayOf("uuid", batches));
			ps.setArray(3, connection.createArrayOf("varchar", customers));
			ps.setArray(4, connection.createArrayOf("varchar", types));
			ps.setArray(5, connection.createArrayOf("varchar", data));
			return ps;
		});
	}

	/** Elsewhere: one JDBC batch. */
	private void insertEach(List<NewEvent> events, OffsetDateTime stamp) {
		// plain positional parameters: this runs for every operation started and ended
		batchUpdates.batchUpdate(
				"insert into batch_event (batch_id, customer_id, type, data, at) values (?, ?, ?, ?, ?)",
				new BatchPreparedStatementSetter() {

					@Override
					public void setValues(PreparedStatement ps, int i) throws SQLException {
						var e = events.get(i);
						ps.setObject(1, e.batchId());
						ps.setString(2, e.customerId());
						ps.setString(3, e.type());
						ps.setString(4, e.data());
						ps.setObject(5, stamp);
					}

					@Override
					public int getBatchSize() {
						return events.size();
					}

				});
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

	/**
	 * Events after {@code afterSeq}, of one batch or of all of a customer's batches,
	 * planned at each read for its values: a generic plan, made without them, read the
	 * events of every customer after {@code afterSeq} in number order (the primary key)
	 * and filtered them (seen: 60,010 rows read for a customer's 3), where a customer's
	 * or a batch's own index reads only theirs.
	 */
	List<BatchEvent> events(String customerId, @Nullable UUID batchId, long afterSeq, int limit) {
		return batchUpdates.query(connection -> {
			var read = PlannedEachTime.prepare(connection, batchId == null ? CUSTOMER_EVENTS : BATCH_EVENTS);
			int i = 1;
			if (batchId != null) {
				read.setObject(i++, batchId);
			}
			read.setString(i++, customerId);
			read.setLong(i++, afterSeq);
			read.setInt(i, limit);
			return read;
		}, this::eventRow);
	}

	private BatchEvent eventRow(ResultSet rs, int n) throws SQLException {
		return new BatchEvent(rs.getLong("seq"), rs.getObject("batch_id", UUID.class), rs.getString("customer_id"),
				rs.getString("type"), StoredJson.read(rs.getString("data"), JsonNode.class),
				Timestamps.readRequired(rs, "at"));
	}

}

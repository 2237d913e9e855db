package dev.plangate.billing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

/** Stripe events received, one row per event id. */
@Repository
class StripeEventRepository {

	/** The outcome of an event whose processing threw: it is tried again. */
	static final String FAILED = "failed";

	private final JdbcClient jdbc;

	StripeEventRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** Records an event unless it was received before. */
	void insert(String id, String type, boolean livemode, Instant createdAt, Instant receivedAt, String payload) {
		jdbc.sql("""
				insert into stripe_event (event_id, event_type, livemode, created_at, received_at, payload)
				values (:id, :type, :livemode, :created, :received, :payload) on conflict do nothing""")
			.param("id", id)
			.param("type", type)
			.param("livemode", livemode)
			.param("created", Timestamps.sql(createdAt))
			.param("received", Timestamps.sql(receivedAt))
			.param("payload", payload)
			.update();
	}

	/**
	 * Locks an event's row until the transaction ends; the outcome when it was processed
	 * before.
	 */
	Optional<Processed> lock(String id) {
		return jdbc.sql("select outcome, detail, attempts from stripe_event where event_id = :id for update")
			.param("id", id)
			.query((rs, n) -> new Processed(rs.getString("outcome"), rs.getString("detail"), rs.getInt("attempts")))
			.optional();
	}

	/** Records what processing the event did: {@code processed} or {@code ignored}. */
	void processed(String id, String outcome, @Nullable String detail, Instant at) {
		jdbc.sql("""
				update stripe_event set processed_at = :at, outcome = :outcome, detail = :detail,
				  attempts = attempts + 1, next_attempt_at = null
				where event_id = :id""")
			.param("id", id)
			.param("outcome", outcome)
			.param("detail", cut(detail))
			.param("at", Timestamps.sql(at))
			.update();
	}

	/**
	 * Records a failed attempt.
	 * @param next when the retry job tries it again; null when it gives up
	 */
	void failed(String id, String error, @Nullable Instant next) {
		jdbc.sql("""
				update stripe_event set outcome = 'failed', detail = null, processed_at = null,
				  attempts = attempts + 1, last_error = :error, next_attempt_at = :next
				where event_id = :id""")
			.param("id", id)
			.param("error", cut(error))
			.param("next", Timestamps.sql(next))
			.update();
	}

	/** Counts a delivery of an event processed before. */
	void duplicate(String id) {
		jdbc.sql("update stripe_event set duplicates = duplicates + 1 where event_id = :id").param("id", id).update();
	}

	/**
	 * Claims up to {@code max} failed events due at {@code now}, skipping rows another
	 * node is claiming, and holds them until {@code until}: another node's retry job
	 * leaves them alone meanwhile. Call in a transaction.
	 */
	List<String> claimDue(Instant now, Instant until, int max) {
		var due = jdbc.sql("""
				select event_id from stripe_event
				where outcome = 'failed' and next_attempt_at <= :now
				order by next_attempt_at limit :max for update skip locked""")
			.param("now", Timestamps.sql(now))
			.param("max", max)
			.query(String.class)
			.list();
		for (var id : due) {
			jdbc.sql("update stripe_event set next_attempt_at = :until where event_id = :id")
				.param("id", id)
				.param("until", Timestamps.sql(until))
				.update();
		}
		return due;
	}

	Optional<Stored> find(String id) {
		return jdbc.sql("select * from stripe_event where event_id = :id").param("id", id).query(this::row).optional();
	}

	/**
	 * Newest first, {@code limit + 1} rows so the caller knows whether more follow.
	 * @param outcome {@code processed}, {@code ignored}, {@code failed}, or
	 * {@code duplicate} (events delivered again after they were processed)
	 */
	List<Stored> list(@Nullable String outcome, @Nullable String type, @Nullable Long beforeSeq, int limit) {
		var sql = new StringBuilder("select * from stripe_event where 1 = 1");
		var params = new LinkedHashMap<String, Object>();
		if ("duplicate".equals(outcome)) {
			sql.append(" and duplicates > 0");
		}
		else if (outcome != null) {
			sql.append(" and outcome = :outcome");
			params.put("outcome", outcome);
		}
		if (type != null) {
			sql.append(" and event_type = :type");
			params.put("type", type);
		}
		if (beforeSeq != null) {
			sql.append(" and seq < :before");
			params.put("before", beforeSeq);
		}
		sql.append(" order by seq desc limit :limit");
		params.put("limit", limit + 1);
		return jdbc.sql(sql.toString()).params(params).query(this::row).list();
	}

	private Stored row(ResultSet rs, int n) throws SQLException {
		return new Stored(rs.getString("event_id"), rs.getLong("seq"), rs.getString("event_type"),
				rs.getBoolean("livemode"), Timestamps.readRequired(rs, "created_at"),
				Timestamps.readRequired(rs, "received_at"), Timestamps.read(rs, "processed_at"),
				rs.getString("outcome"), rs.getString("detail"), rs.getInt("attempts"), rs.getString("last_error"),
				Timestamps.read(rs, "next_attempt_at"), rs.getInt("duplicates"), rs.getString("payload"));
	}

	private static @Nullable String cut(@Nullable String text) {
		return text == null ? null : text.length() > 1000 ? text.substring(0, 999) + "…" : text;
	}

	/**
	 * @param outcome null while the event is not processed
	 * @param attempts how often it was processed, failed attempts included
	 */
	record Processed(@Nullable String outcome, @Nullable String detail, int attempts) {

		/** Whether a delivery of the event must not process it again. */
		boolean done() {
			return outcome != null && !FAILED.equals(outcome);
		}

	}

	/** An event as stored. */
	record Stored(String id, long seq, String type, boolean livemode, Instant createdAt, Instant receivedAt,
			@Nullable Instant processedAt, @Nullable String outcome, @Nullable String detail, int attempts,
			@Nullable String lastError, @Nullable Instant nextAttemptAt, int duplicates, String payload) {
	}

}

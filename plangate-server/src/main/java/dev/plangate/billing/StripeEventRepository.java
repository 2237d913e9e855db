package dev.plangate.billing;

import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

/** Stripe events received, one row per event id. */
@Repository
class StripeEventRepository {

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
		return jdbc.sql("select outcome, detail from stripe_event where event_id = :id for update")
			.param("id", id)
			.query((rs, n) -> new Processed(rs.getString("outcome"), rs.getString("detail")))
			.optional();
	}

	void processed(String id, String outcome, @Nullable String detail, Instant at) {
		jdbc.sql("""
				update stripe_event set processed_at = :at, outcome = :outcome, detail = :detail
				where event_id = :id""")
			.param("id", id)
			.param("outcome", outcome)
			.param("detail", detail == null ? null : detail.length() > 1000 ? detail.substring(0, 1000) : detail)
			.param("at", Timestamps.sql(at))
			.update();
	}

	/**
	 * @param outcome null while the event is not processed
	 */
	record Processed(@Nullable String outcome, @Nullable String detail) {
	}

}

package dev.plangate.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.ToIntFunction;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.plangate.platform.Timestamps;

@Repository
class WebhookRepository {

	/**
	 * A delivery claimed for one attempt.
	 *
	 * @param attempt counts every attempt of the delivery, from 1
	 * @param roundAttempt counts the attempts since it was last queued, from 1: the step
	 * of the retry schedule
	 */
	record Claimed(long id, UUID eventId, UUID endpointId, int attempt, int roundAttempt) {
	}

	/** One attempt of the delivery log. */
	record WebhookAttempt(int attempt, Instant attemptedAt, long durationMs, @Nullable Integer responseStatus,
			@Nullable String error, @Nullable String responseBody) {
	}

	/** A delivery of the log, with its attempts. */
	record WebhookDelivery(long id, UUID eventId, String eventType, UUID endpointId, String status, int attempts,
			Instant nextAttemptAt, @Nullable Integer lastStatus, @Nullable String lastError, Instant createdAt,
			@Nullable Instant succeededAt, List<WebhookAttempt> attemptLog) {
	}

	private final JdbcClient jdbc;

	WebhookRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	// endpoints

	void insert(WebhookEndpoint e) {
		jdbc.sql("""
				insert into webhook_endpoint (id, customer_id, url, description, event_types, enabled, secret,
				  secret_prefix, created_at, updated_at)
				values (:id, :customer, :url, :description, :types, :enabled, :secret, :prefix, :at, :at)""")
			.param("id", e.id())
			.param("customer", e.customerId())
			.param("url", e.url())
			.param("description", e.description())
			.param("types", WebhookEndpoint.storedTypes(e.eventTypes()))
			.param("enabled", e.enabled())
			.param("secret", e.secret())
			.param("prefix", e.secretPrefix())
			.param("at", Timestamps.sql(e.createdAt()))
			.update();
	}

	void update(WebhookEndpoint e) {
		jdbc.sql("""
				update webhook_endpoint set url = :url, description = :description, event_types = :types,
				  enabled = :enabled, disabled_reason = :reason, secret = :secret, secret_prefix = :prefix,
				  previous_secret = :previous, previous_until = :until, failing_since = :failing, updated_at = :at
				where id = :id""")
			.param("id", e.id())
			.param("url", e.url())
			.param("description", e.description())
			.param("types", WebhookEndpoint.storedTypes(e.eventTypes()))
			.param("enabled", e.enabled())
			.param("reason", e.disabledReason())
			.param("secret", e.secret())
			.param("prefix", e.secretPrefix())
			.param("previous", e.previousSecret())
			.param("until", Timestamps.sql(e.previousUntil()))
			.param("failing", Timestamps.sql(e.failingSince()))
			.param("at", Timestamps.sql(e.updatedAt()))
			.update();
	}

	void delete(UUID id) {
		jdbc.sql(
				"delete from webhook_attempt where delivery_id in (select id from webhook_delivery where endpoint_id = :id)")
			.param("id", id)
			.update();
		jdbc.sql("delete from webhook_delivery where endpoint_id = :id").param("id", id).update();
		jdbc.sql("delete from webhook_endpoint where id = :id").param("id", id).update();
	}

	Optional<WebhookEndpoint> find(UUID id) {
		return jdbc.sql("select * from webhook_endpoint where id = :id")
			.param("id", id)
			.query(WebhookRepository::endpoint)
			.optional();
	}

	Optional<WebhookEndpoint> lock(UUID id) {
		return jdbc.sql("select * from webhook_endpoint where id = :id for update")
			.param("id", id)
			.query(WebhookRepository::endpoint)
			.optional();
	}

	/** Oldest first, after {@code after} (a cursor), {@code limit + 1} rows. */
	List<WebhookEndpoint> list(@Nullable String customerId, @Nullable Instant afterCreated, @Nullable UUID afterId,
			int limit) {
		var sql = new StringBuilder("select * from webhook_endpoint where 1 = 1");
		var params = new LinkedHashMap<String, Object>();
		if (customerId != null) {
			sql.append(" and customer_id = :customer");
			params.put("customer", customerId);
		}
		if (afterCreated != null && afterId != null) {
			sql.append(" and (created_at > :created or (created_at = :created and id > :after))");
			params.put("created", Timestamps.sql(afterCreated));
			params.put("after", afterId);
		}
		sql.append(" order by created_at, id limit :limit");
		params.put("limit", limit + 1);
		return jdbc.sql(sql.toString()).params(params).query(WebhookRepository::endpoint).list();
	}

	private static WebhookEndpoint endpoint(ResultSet rs, int n) throws SQLException {
		return new WebhookEndpoint(rs.getObject("id", UUID.class), rs.getString("customer_id"), rs.getString("url"),
				rs.getString("description"), WebhookEndpoint.readTypes(rs.getString("event_types")),
				rs.getBoolean("enabled"), rs.getString("disabled_reason"), rs.getString("secret"),
				rs.getString("secret_prefix"), rs.getString("previous_secret"), Timestamps.read(rs, "previous_until"),
				Timestamps.read(rs, "failing_since"), Timestamps.readRequired(rs, "created_at"),
				Timestamps.readRequired(rs, "updated_at"));
	}

	/** Notes the failing attempt: the first since a success starts the failing period. */
	void markFailing(UUID endpointId, Instant at) {
		jdbc.sql("update webhook_endpoint set failing_since = :at where id = :id and failing_since is null")
			.param("id", endpointId)
			.param("at", Timestamps.sql(at))
			.update();
	}

	void markSucceeding(UUID endpointId) {
		jdbc.sql("update webhook_endpoint set failing_since = null where id = :id and failing_since is not null")
			.param("id", endpointId)
			.update();
	}

	// fan-out

	/**
	 * Queues the event for every enabled endpoint that takes its type and customer, in
	 * one statement (the caller's transaction is the event's). Answers how many.
	 */
	int fanOut(UUID eventId, String type, @Nullable String customerId, Instant at) {
		var sql = new StringBuilder("""
				insert into webhook_delivery (event_id, endpoint_id, status, attempts, round_attempts,
				  next_attempt_at, created_at)
				select :event, e.id, 'pending', 0, 0, :at, :at from webhook_endpoint e
				where e.enabled and (e.customer_id is null or e.customer_id = :customer) and (""");
		appendTypeMatch(sql, "e", type);
		sql.append(")");
		return jdbc.sql(sql.toString())
			.param("event", eventId)
			.param("customer", customerId)
			.param("at", Timestamps.sql(at))
			.params(typeParams(type))
			.update();
	}

	private static void appendTypeMatch(StringBuilder sql, String alias, String type) {
		var filters = EventTypes.filtersMatching(type);
		for (int i = 0; i < filters.size(); i++) {
			sql.append(i == 0 ? "" : " or ").append(alias).append(".event_types like :f").append(i);
		}
	}

	private static LinkedHashMap<String, Object> typeParams(String type) {
		var params = new LinkedHashMap<String, Object>();
		var filters = EventTypes.filtersMatching(type);
		for (int i = 0; i < filters.size(); i++) {
			// '_' is a like wildcard: escaped with the default escape, '\'
			params.put("f" + i, "% " + filters.get(i).replace("\\", "\\\\").replace("_", "\\_") + " %");
		}
		return params;
	}

	/**
	 * Queues again every event in {@code [from, to)} that the endpoint takes (by its
	 * current types and customer): its delivery, if it had one, else a new one. Answers
	 * how many.
	 */
	int requeueRange(WebhookEndpoint endpoint, Instant from, Instant to, Instant now) {
		var sql = "select id, type from event_log where occurred_at >= :from and occurred_at < :to"
				+ (endpoint.customerId() == null ? "" : " and customer_id = :customer") + " order by seq";
		var params = new LinkedHashMap<String, Object>();
		params.put("from", Timestamps.sql(from));
		params.put("to", Timestamps.sql(to));
		if (endpoint.customerId() != null) {
			params.put("customer", endpoint.customerId());
		}
		var events = jdbc.sql(sql)
			.params(params)
			.query((rs, n) -> new String[] { rs.getString("id"), rs.getString("type") })
			.list();
		int queued = 0;
		for (var event : events) {
			if (endpoint.eventTypes().stream().noneMatch(f -> EventTypes.filtersMatching(event[1]).contains(f))) {
				continue;
			}
			var eventId = UUID.fromString(event[0]);
			if (requeue(eventId, endpoint.id(), now) == 0) {
				jdbc.sql("""
						insert into webhook_delivery (event_id, endpoint_id, status, attempts, round_attempts,
						  next_attempt_at, created_at)
						values (:event, :endpoint, 'pending', 0, 0, :at, :at)""")
					.param("event", eventId)
					.param("endpoint", endpoint.id())
					.param("at", Timestamps.sql(now))
					.update();
			}
			queued++;
		}
		return queued;
	}

	/**
	 * Queues a delivery again, due now, with the retry schedule from its start; one being
	 * made is left to finish. Answers 1 when it exists.
	 */
	int requeue(UUID eventId, UUID endpointId, Instant now) {
		return jdbc.sql("""
				update webhook_delivery set
				  status = case when status = 'delivering' then status else 'pending' end,
				  round_attempts = 0,
				  next_attempt_at = case when status = 'delivering' then next_attempt_at else :now end
				where event_id = :event and endpoint_id = :endpoint""")
			.param("event", eventId)
			.param("endpoint", endpointId)
			.param("now", Timestamps.sql(now))
			.update();
	}

	/**
	 * Makes the endpoint's waiting deliveries due now, with the retry schedule from its
	 * start (when it is enabled again).
	 */
	int requeuePending(UUID endpointId, Instant now) {
		return jdbc.sql("""
				update webhook_delivery set round_attempts = 0, next_attempt_at = :now
				where endpoint_id = :endpoint and status = 'pending'""")
			.param("endpoint", endpointId)
			.param("now", Timestamps.sql(now))
			.update();
	}

	// the delivery worker

	/**
	 * Claims up to {@code max} deliveries due at {@code now} (pending ones, and those
	 * whose node's claim ran out) of enabled endpoints, skipping rows another node is
	 * claiming and endpoints for which {@code full} says this node makes enough
	 * deliveries at once, and holds them until {@code until}. Call in a transaction.
	 */
	List<Claimed> claim(Instant now, Instant until, int max, ToIntFunction<UUID> room) {
		var due = jdbc.sql("""
				select id, event_id, endpoint_id, attempts, round_attempts from webhook_delivery d
				where status in ('pending', 'delivering') and next_attempt_at <= :now
				  and exists (select 1 from webhook_endpoint e where e.id = d.endpoint_id and e.enabled)
				order by next_attempt_at limit :max for update skip locked""")
			.param("now", Timestamps.sql(now))
			.param("max", max * 4)
			.query((rs, n) -> new Claimed(rs.getLong("id"), rs.getObject("event_id", UUID.class),
					rs.getObject("endpoint_id", UUID.class), rs.getInt("attempts") + 1,
					rs.getInt("round_attempts") + 1))
			.list();
		var taken = new ArrayList<Claimed>();
		var counts = new LinkedHashMap<UUID, Integer>();
		for (var delivery : due) {
			if (taken.size() >= max) {
				break;
			}
			int more = counts.getOrDefault(delivery.endpointId(), 0);
			if (more >= room.applyAsInt(delivery.endpointId())) {
				continue;
			}
			counts.put(delivery.endpointId(), more + 1);
			taken.add(delivery);
			jdbc.sql("""
					update webhook_delivery set status = 'delivering', attempts = :attempt,
					  round_attempts = :round, next_attempt_at = :until
					where id = :id""")
				.param("id", delivery.id())
				.param("attempt", delivery.attempt())
				.param("round", delivery.roundAttempt())
				.param("until", Timestamps.sql(until))
				.update();
		}
		return taken;
	}

	void recordAttempt(Claimed delivery, Instant at, long durationMs, @Nullable Integer status, @Nullable String error,
			@Nullable String body) {
		jdbc.sql("""
				insert into webhook_attempt (delivery_id, attempt, attempted_at, duration_ms, response_status, error,
				  response_body)
				values (:delivery, :attempt, :at, :duration, :status, :error, :body)""")
			.param("delivery", delivery.id())
			.param("attempt", delivery.attempt())
			.param("at", Timestamps.sql(at))
			.param("duration", durationMs)
			.param("status", status)
			.param("error", error)
			.param("body", body)
			.update();
	}

	/** Answers false when the claim was lost (it ran out and another node took it). */
	boolean markSucceeded(Claimed delivery, Instant at, int status) {
		return jdbc.sql("""
				update webhook_delivery set status = 'succeeded', succeeded_at = :at, last_status = :code,
				  last_error = null
				where id = :id and status = 'delivering' and attempts = :attempt""")
			.param("id", delivery.id())
			.param("attempt", delivery.attempt())
			.param("at", Timestamps.sql(at))
			.param("code", status)
			.update() == 1;
	}

	/** Another attempt at {@code next}, or none ({@code next} null: failed for good). */
	boolean markFailedAttempt(Claimed delivery, @Nullable Instant next, @Nullable Integer status, String error) {
		return jdbc.sql("""
				update webhook_delivery set status = :status, next_attempt_at = coalesce(:next, next_attempt_at),
				  last_status = :code, last_error = :error
				where id = :id and status = 'delivering' and attempts = :attempt""")
			.param("id", delivery.id())
			.param("attempt", delivery.attempt())
			.param("status", next == null ? "failed" : "pending")
			.param("next", Timestamps.sql(next))
			.param("code", status)
			.param("error", error)
			.update() == 1;
	}

	// the delivery log

	Optional<StoredEvent> event(UUID id) {
		return jdbc.sql("select * from event_log where id = :id").param("id", id).query(EventLog::row).optional();
	}

	/** Newest first, before delivery {@code before}, {@code limit + 1} rows. */
	List<WebhookDelivery> deliveries(UUID endpointId, @Nullable Long before, @Nullable Long only, int limit) {
		var sql = new StringBuilder("""
				select d.*, l.type from webhook_delivery d join event_log l on l.id = d.event_id
				where d.endpoint_id = :endpoint""");
		var params = new LinkedHashMap<String, Object>();
		params.put("endpoint", endpointId);
		if (before != null) {
			sql.append(" and d.id < :before");
			params.put("before", before);
		}
		if (only != null) {
			sql.append(" and d.id = :only");
			params.put("only", only);
		}
		sql.append(" order by d.id desc limit :limit");
		params.put("limit", limit + 1);
		var rows = jdbc.sql(sql.toString())
			.params(params)
			.query((rs, n) -> new WebhookDelivery(rs.getLong("id"), rs.getObject("event_id", UUID.class),
					rs.getString("type"), rs.getObject("endpoint_id", UUID.class), rs.getString("status"),
					rs.getInt("attempts"), Timestamps.readRequired(rs, "next_attempt_at"),
					(Integer) rs.getObject("last_status", Integer.class), rs.getString("last_error"),
					Timestamps.readRequired(rs, "created_at"), Timestamps.read(rs, "succeeded_at"), List.of()))
			.list();
		var withAttempts = new ArrayList<WebhookDelivery>();
		for (var d : rows) {
			var attempts = jdbc.sql("select * from webhook_attempt where delivery_id = :id order by id")
				.param("id", d.id())
				.query((rs, n) -> new WebhookAttempt(rs.getInt("attempt"), Timestamps.readRequired(rs, "attempted_at"),
						rs.getLong("duration_ms"), (Integer) rs.getObject("response_status", Integer.class),
						rs.getString("error"), rs.getString("response_body")))
				.list();
			withAttempts
				.add(new WebhookDelivery(d.id(), d.eventId(), d.eventType(), d.endpointId(), d.status(), d.attempts(),
						d.nextAttemptAt(), d.lastStatus(), d.lastError(), d.createdAt(), d.succeededAt(), attempts));
		}
		return withAttempts;
	}

}

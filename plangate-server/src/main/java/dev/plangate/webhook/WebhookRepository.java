package dev.plangate.webhook;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToIntFunction;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.jdbc.core.namedparam.SqlParameterSource;
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

	/**
	 * A claimed delivery with what it sends: its event, and its endpoint as it is now.
	 */
	record Claim(Claimed delivery, StoredEvent event, WebhookEndpoint endpoint) {
	}

	/**
	 * What came of an attempt, to be written down.
	 *
	 * @param next when to try again; null when it failed for good or succeeded
	 * @param counted whether the attempt counts for the endpoint's failing period (an
	 * attempt refused before sending, for the customer's plan, does not)
	 */
	record Attempted(Claimed delivery, UUID endpointId, Instant startedAt, long durationMs, @Nullable Integer status,
			@Nullable String error, @Nullable String body, boolean succeeded, Instant endedAt, @Nullable Instant next,
			boolean counted) {
	}

	/** How many events one statement of {@link #requeueRange} queues again. */
	private static final int REQUEUE_CHUNK = 500;

	private final JdbcClient jdbc;

	private final NamedParameterJdbcTemplate batch;

	WebhookRepository(JdbcClient jdbc, NamedParameterJdbcTemplate batch) {
		this.jdbc = jdbc;
		this.batch = batch;
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
		var taken = new ArrayList<UUID>();
		for (var event : events) {
			if (endpoint.eventTypes().stream().anyMatch(f -> EventTypes.filtersMatching(event[1]).contains(f))) {
				taken.add(UUID.fromString(event[0]));
			}
		}
		for (int first = 0; first < taken.size(); first += REQUEUE_CHUNK) {
			var chunk = taken.subList(first, Math.min(taken.size(), first + REQUEUE_CHUNK));
			// those it had: again, as requeue does; those it had not: new ones
			jdbc.sql("""
					update webhook_delivery set
					  status = case when status = 'delivering' then status else 'pending' end,
					  round_attempts = 0,
					  next_attempt_at = case when status = 'delivering' then next_attempt_at else :now end,
					  again = case when status = 'delivering' then true else false end
					where endpoint_id = :endpoint and event_id in (:events)""")
				.param("endpoint", endpoint.id())
				.param("events", chunk)
				.param("now", Timestamps.sql(now))
				.update();
			jdbc.sql("""
					insert into webhook_delivery (event_id, endpoint_id, status, attempts, round_attempts,
					  next_attempt_at, created_at)
					select l.id, :endpoint, 'pending', 0, 0, :at, :at from event_log l
					where l.id in (:events) and not exists (select 1 from webhook_delivery d
					  where d.event_id = l.id and d.endpoint_id = :endpoint)
					order by l.seq""")
				.param("endpoint", endpoint.id())
				.param("events", chunk)
				.param("at", Timestamps.sql(now))
				.update();
		}
		return taken.size();
	}

	/**
	 * Queues a delivery again, due now, with the retry schedule from its start; one being
	 * made is left to finish and queued again once written down. Answers 1 when it
	 * exists.
	 */
	int requeue(UUID eventId, UUID endpointId, Instant now) {
		return jdbc.sql("""
				update webhook_delivery set
				  status = case when status = 'delivering' then status else 'pending' end,
				  round_attempts = 0,
				  next_attempt_at = case when status = 'delivering' then next_attempt_at else :now end,
				  again = case when status = 'delivering' then true else false end
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
	 * Claims up to {@code max} deliveries due at {@code now} (those whose node's claim
	 * ran out, then pending ones, oldest first) of enabled endpoints, skipping rows
	 * another node is claiming and deliveries beyond the {@code room} this node has for
	 * their endpoint, and holds them until {@code until}. The due deliveries are read a
	 * window at a time in the order of an index; when that window holds only deliveries
	 * to endpoints of {@code full} and {@code lookPastFull} says so, the deliveries to
	 * other endpoints are looked for past them (a slower read, while one endpoint has a
	 * backlog). Answers each with its event and endpoint, read in the same transaction: a
	 * few statements for the lot, whatever their number. Call in a transaction.
	 */
	List<Claim> claim(Instant now, Instant until, int max, Set<UUID> full, ToIntFunction<UUID> room,
			boolean lookPastFull) {
		int window = max * 4;
		var taken = new ArrayList<Claimed>();
		var counts = new HashMap<UUID, Integer>();
		var seen = new HashSet<Long>();
		take(due("delivering", now, window, Set.of()), max, room, taken, counts, seen);
		var pending = due("pending", now, window, Set.of());
		take(pending, max, room, taken, counts, seen);
		if (taken.size() < max && pending.size() == window && lookPastFull) {
			var skipped = new HashSet<>(full);
			counts.forEach((endpoint, n) -> {
				if (n >= room.applyAsInt(endpoint)) {
					skipped.add(endpoint);
				}
			});
			pending.stream()
				.map(Claimed::endpointId)
				.filter(endpoint -> room.applyAsInt(endpoint) <= counts.getOrDefault(endpoint, 0))
				.forEach(skipped::add);
			take(due("pending", now, window, skipped), max, room, taken, counts, seen);
		}
		if (taken.isEmpty()) {
			return List.of();
		}
		jdbc.sql("""
				update webhook_delivery set status = 'delivering', attempts = attempts + 1,
				  round_attempts = round_attempts + 1, next_attempt_at = :until, again = false
				where id in (:ids)""")
			.param("ids", taken.stream().map(Claimed::id).toList())
			.param("until", Timestamps.sql(until))
			.update();
		var endpoints = new HashMap<UUID, WebhookEndpoint>();
		jdbc.sql("select * from webhook_endpoint where id in (:ids)")
			.param("ids", counts.keySet())
			.query(WebhookRepository::endpoint)
			.list()
			.forEach(e -> endpoints.put(e.id(), e));
		var events = new HashMap<UUID, StoredEvent>();
		jdbc.sql("select * from event_log where id in (:ids)")
			.param("ids", taken.stream().map(Claimed::eventId).distinct().toList())
			.query(EventLog::row)
			.list()
			.forEach(e -> events.put(e.id(), e));
		var claims = new ArrayList<Claim>();
		for (var delivery : taken) {
			var event = events.get(delivery.eventId());
			var endpoint = endpoints.get(delivery.endpointId());
			if (event != null && endpoint != null) {
				claims.add(new Claim(delivery, event, endpoint));
			}
		}
		return claims;
	}

	/**
	 * Deliveries due with {@code status}, oldest first, locked; none to {@code skipped}.
	 */
	private List<Claimed> due(String status, Instant now, int limit, Set<UUID> skipped) {
		return jdbc
			.sql("""
					select id, event_id, endpoint_id, attempts, round_attempts from webhook_delivery d
					where status = :status and next_attempt_at <= :now
					  and exists (select 1 from webhook_endpoint e where e.id = d.endpoint_id and e.enabled)"""
					+ (skipped.isEmpty() ? "" : " and d.endpoint_id not in (:skipped)") + """

							order by next_attempt_at limit :limit for update skip locked""")
			.param("status", status)
			.param("now", Timestamps.sql(now))
			.param("limit", limit)
			.params(skipped.isEmpty() ? Map.of() : Map.of("skipped", skipped))
			.query((rs, n) -> new Claimed(rs.getLong("id"), rs.getObject("event_id", UUID.class),
					rs.getObject("endpoint_id", UUID.class), rs.getInt("attempts") + 1,
					rs.getInt("round_attempts") + 1))
			.list();
	}

	private static void take(List<Claimed> due, int max, ToIntFunction<UUID> room, List<Claimed> taken,
			Map<UUID, Integer> counts, Set<Long> seen) {
		for (var delivery : due) {
			if (taken.size() >= max) {
				return;
			}
			int more = counts.getOrDefault(delivery.endpointId(), 0);
			if (more >= room.applyAsInt(delivery.endpointId()) || !seen.add(delivery.id())) {
				continue;
			}
			counts.put(delivery.endpointId(), more + 1);
			taken.add(delivery);
		}
	}

	/**
	 * Writes down attempts in a few statements: each in the log, each delivery's new
	 * state (those whose claim was lost left as they are), and each endpoint's failing
	 * period as the last of its attempts here leaves it. Answers the deliveries that
	 * succeeded after their claim was lost. Call in a transaction.
	 */
	List<Claimed> record(List<Attempted> attempts) {
		batch.batchUpdate("""
				insert into webhook_attempt (delivery_id, attempt, attempted_at, duration_ms, response_status, error,
				  response_body)
				values (:delivery, :attempt, :at, :duration, :status, :error, :body)""",
				attempts.stream()
					.map(a -> new MapSqlParameterSource().addValue("delivery", a.delivery().id())
						.addValue("attempt", a.delivery().attempt())
						.addValue("at", Timestamps.sql(a.startedAt()))
						.addValue("duration", a.durationMs())
						.addValue("status", a.status(), Types.INTEGER)
						.addValue("error", a.error(), Types.VARCHAR)
						.addValue("body", a.body(), Types.VARCHAR))
					.toArray(SqlParameterSource[]::new));
		var succeeded = attempts.stream().filter(Attempted::succeeded).toList();
		var lost = new ArrayList<Claimed>();
		if (!succeeded.isEmpty()) {
			int[] kept = batch.batchUpdate("""
					update webhook_delivery set status = case when again then 'pending' else 'succeeded' end,
					  succeeded_at = :at, last_status = :code, last_error = null,
					  round_attempts = case when again then 0 else round_attempts end,
					  next_attempt_at = case when again then :at else next_attempt_at end, again = false
					where id = :id and status = 'delivering' and attempts = :attempt""",
					succeeded.stream()
						.map(a -> new MapSqlParameterSource().addValue("id", a.delivery().id())
							.addValue("attempt", a.delivery().attempt())
							.addValue("at", Timestamps.sql(a.endedAt()))
							.addValue("code", a.status(), Types.INTEGER))
						.toArray(SqlParameterSource[]::new));
			for (int i = 0; i < kept.length; i++) {
				if (kept[i] == 0) {
					lost.add(succeeded.get(i).delivery());
				}
			}
		}
		var failed = attempts.stream().filter(a -> !a.succeeded()).toList();
		if (!failed.isEmpty()) {
			batch.batchUpdate("""
					update webhook_delivery set status = case when again then 'pending' else :status end,
					  next_attempt_at = case when again then :at else coalesce(:next, next_attempt_at) end,
					  round_attempts = case when again then 0 else round_attempts end,
					  last_status = :code, last_error = :error, again = false
					where id = :id and status = 'delivering' and attempts = :attempt""",
					failed.stream()
						.map(a -> new MapSqlParameterSource().addValue("id", a.delivery().id())
							.addValue("attempt", a.delivery().attempt())
							.addValue("status", a.next() == null ? "failed" : "pending")
							.addValue("next", Timestamps.sql(a.next()), Types.TIMESTAMP_WITH_TIMEZONE)
							.addValue("at", Timestamps.sql(a.endedAt()))
							.addValue("code", a.status(), Types.INTEGER)
							.addValue("error", a.error() != null ? a.error() : "HTTP " + a.status()))
						.toArray(SqlParameterSource[]::new));
		}
		// per endpoint: a success ends its failing period; failures after the last
		// success start one
		var succeeding = new LinkedHashSet<UUID>();
		var failingFrom = new LinkedHashMap<UUID, Instant>();
		for (var a : attempts) {
			if (!a.counted()) {
				continue;
			}
			if (a.succeeded()) {
				succeeding.add(a.endpointId());
				failingFrom.remove(a.endpointId());
			}
			else {
				failingFrom.putIfAbsent(a.endpointId(), a.startedAt());
			}
		}
		for (var endpoint : succeeding) {
			markSucceeding(endpoint);
		}
		failingFrom.forEach(this::markFailing);
		return lost;
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

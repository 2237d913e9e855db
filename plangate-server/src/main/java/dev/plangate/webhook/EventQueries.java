package dev.plangate.webhook;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.OutboundEvent;
import dev.plangate.platform.Page;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.Timestamps;

/**
 * Reads the event log back, newest first in pages: what {@code /v1/events},
 * {@code /v1/customers/{id}/events} and {@code /v1/me/events} answer.
 */
@Service
class EventQueries {

	/**
	 * A type prefix: the first words of types, then {@code .*}, such as
	 * {@code subscription.*}.
	 */
	private static final String TYPE_PREFIX = "[a-z][a-z_]*(\\.[a-z][a-z_]*)*\\.\\*";

	private final JdbcClient jdbc;

	EventQueries(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** What a listing asks for, checked. */
	record Filter(@Nullable String type, @Nullable String customerId, @Nullable Instant from, @Nullable Instant to,
			@Nullable Long before) {
	}

	/**
	 * Checks a listing's parameters.
	 * @param type a catalog type, or a prefix of types ending in {@code .*}
	 * @param from only events at or after it (ISO-8601 instant with an offset, or a UTC
	 * date)
	 * @param to only events before it
	 * @param cursor a previous page's {@code nextCursor}
	 * @throws PlangateException {@code invalid_request} naming each bad parameter
	 */
	static Filter filter(@Nullable String type, @Nullable String customerId, @Nullable String from, @Nullable String to,
			@Nullable String cursor) {
		var errors = new ArrayList<FieldError>();
		if (type != null && !type.matches(OutboundEvent.TYPE) && !type.matches(TYPE_PREFIX)) {
			errors.add(new FieldError("type",
					"must be an event type such as 'subscription.changed', or a prefix such as 'subscription.*'"));
		}
		var start = Timestamps.parse("from", from, errors);
		var end = Timestamps.parse("to", to, errors);
		var before = decodeCursor(cursor, errors);
		if (errors.isEmpty() && start != null && end != null && !start.isBefore(end)) {
			errors.add(new FieldError("from", "must be before 'to'"));
		}
		if (!errors.isEmpty()) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST,
					errors.get(0).field() + " " + errors.get(0).message(), errors);
		}
		return new Filter(type, customerId, start, end, before);
	}

	/** A page of the events the filter names, newest first. */
	Page<StoredEvent> list(Filter filter, int limit) {
		var sql = new StringBuilder("select * from event_log where 1 = 1");
		String type = filter.type();
		if (type != null && type.endsWith(".*")) {
			// '_' is a wildcard of LIKE: escaped, so that the prefix is taken as written
			type = type.substring(0, type.length() - 1).replace("_", "!_") + "%";
			sql.append(" and type like :type escape '!'");
		}
		else if (type != null) {
			sql.append(" and type = :type");
		}
		if (filter.customerId() != null) {
			sql.append(" and customer_id = :customer");
		}
		if (filter.from() != null) {
			sql.append(" and occurred_at >= :from");
		}
		if (filter.to() != null) {
			sql.append(" and occurred_at < :to");
		}
		if (filter.before() != null) {
			sql.append(" and seq < :before");
		}
		sql.append(" order by seq desc limit :limit");
		var rows = jdbc.sql(sql.toString())
			.param("type", type)
			.param("customer", filter.customerId())
			.param("from", Timestamps.sql(filter.from()))
			.param("to", Timestamps.sql(filter.to()))
			.param("before", filter.before())
			.param("limit", limit + 1)
			.query(EventLog::row)
			.list();
		var page = rows.subList(0, Math.min(limit, rows.size()));
		String next = rows.size() > limit ? encodeCursor(page.get(page.size() - 1).seq()) : null;
		return new Page<>(List.copyOf(page), next);
	}

	/**
	 * One event by its id.
	 * @throws PlangateException {@code invalid_request} for an id that is no UUID,
	 * {@code event_not_found}
	 */
	StoredEvent get(String id) {
		UUID uuid;
		try {
			uuid = UUID.fromString(id);
		}
		catch (IllegalArgumentException ex) {
			throw new PlangateException(ErrorCode.INVALID_REQUEST, "id is not an event id",
					List.of(new FieldError("id", "must be an event id (a UUID)")));
		}
		return jdbc.sql("select * from event_log where id = :id")
			.param("id", uuid)
			.query(EventLog::row)
			.optional()
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.EVENT_NOT_FOUND, "Event", id));
	}

	private static @Nullable Long decodeCursor(@Nullable String cursor, List<FieldError> errors) {
		if (cursor == null) {
			return null;
		}
		try {
			var bytes = Base64.getUrlDecoder().decode(cursor);
			if (bytes.length == 9 && bytes[0] == 'v') {
				return ByteBuffer.wrap(bytes, 1, 8).getLong();
			}
		}
		catch (IllegalArgumentException ex) {
			// answered below
		}
		errors.add(new FieldError("cursor", "is not a cursor from a previous page"));
		return null;
	}

	private static String encodeCursor(long seq) {
		var bytes = ByteBuffer.allocate(9).put((byte) 'v').putLong(seq).array();
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

}

package dev.plangate.audit;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import dev.plangate.platform.Actor;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.Page;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;

/**
 * Writes and reads the audit trail. Callers record inside their own transaction, so a
 * change and its audit record are committed together or not at all.
 */
@Service
public class AuditLog {

	private final JdbcClient jdbc;

	private final Clock clock;

	AuditLog(JdbcClient jdbc, Clock clock) {
		this.jdbc = jdbc;
		this.clock = clock;
	}

	/**
	 * Records an action by the current {@link Actor} (and the operator impersonating it,
	 * if any); {@code before}/{@code after} are stored as JSON.
	 */
	public void record(String action, String targetType, String targetId, @Nullable Object before,
			@Nullable Object after) {
		var actor = Actor.current();
		jdbc.sql(
				"""
						insert into audit_event (occurred_at, actor, ip, action, target_type, target_id, before_state, after_state,
						    impersonated_by)
						values (:at, :actor, :ip, :action, :type, :id, :before, :after, :impersonatedBy)""")
			.param("at", Timestamps.sql(clock.instant()))
			.param("actor", actor.name())
			.param("ip", actor.ip())
			.param("action", action)
			.param("type", targetType)
			.param("id", targetId)
			.param("before", before == null ? null : StoredJson.write(before))
			.param("after", after == null ? null : StoredJson.write(after))
			.param("impersonatedBy", actor.impersonatedBy())
			.update();
	}

	/**
	 * Which events a list shows; a null member does not filter.
	 *
	 * @param since occurred at or after
	 * @param until occurred before
	 * @param impersonatedBy the operator's account id behind an impersonation token's
	 * requests
	 */
	public record Filter(@Nullable String actor, @Nullable String action, @Nullable String targetType,
			@Nullable String targetId, @Nullable Instant since, @Nullable Instant until,
			@Nullable UUID impersonatedBy) {

		public static final Filter NONE = new Filter(null, null, null, null, null, null, null);

		/** Refuses a time range that ends before it starts, naming both ends. */
		public Filter {
			if (since != null && until != null && until.isBefore(since)) {
				throw new PlangateException(ErrorCode.INVALID_REQUEST,
						"The time range ends (" + until + ") before it starts (" + since + ")",
						List.of(new FieldError("until", "must not be before since")));
			}
		}

		public static Filter target(@Nullable String targetType, @Nullable String targetId) {
			return new Filter(null, null, targetType, targetId, null, null, null);
		}

	}

	/** Newest first; filtered by target when given. */
	public Page<AuditEvent> list(@Nullable String targetType, @Nullable String targetId, @Nullable Long before,
			int limit) {
		return list(Filter.target(targetType, targetId), before, limit);
	}

	/**
	 * Newest first, as {@code filter} has it; {@code before} is the {@code nextCursor} of
	 * the page before.
	 */
	public Page<AuditEvent> list(Filter filter, @Nullable Long before, int limit) {
		var sql = new StringBuilder("select * from audit_event where 1 = 1");
		var params = new LinkedHashMap<String, Object>();
		if (filter.actor() != null) {
			sql.append(" and actor = :actor");
			params.put("actor", filter.actor());
		}
		if (filter.action() != null) {
			sql.append(" and action = :action");
			params.put("action", filter.action());
		}
		if (filter.targetType() != null) {
			sql.append(" and target_type = :type");
			params.put("type", filter.targetType());
		}
		if (filter.targetId() != null) {
			sql.append(" and target_id = :id");
			params.put("id", filter.targetId());
		}
		if (filter.impersonatedBy() != null) {
			sql.append(" and impersonated_by = :impersonatedBy");
			params.put("impersonatedBy", "account:" + filter.impersonatedBy());
		}
		if (filter.since() != null) {
			sql.append(" and occurred_at >= :since");
			params.put("since", Timestamps.sql(filter.since()));
		}
		if (filter.until() != null) {
			sql.append(" and occurred_at < :until");
			params.put("until", Timestamps.sql(filter.until()));
		}
		if (before != null) {
			sql.append(" and id < :before");
			params.put("before", before);
		}
		sql.append(" order by id desc limit :limit");
		params.put("limit", limit + 1);
		List<AuditEvent> rows = jdbc.sql(sql.toString())
			.params(params)
			.query((rs, n) -> new AuditEvent(rs.getLong("id"), Timestamps.readRequired(rs, "occurred_at"),
					rs.getString("actor"), rs.getString("ip"), rs.getString("action"), rs.getString("target_type"),
					rs.getString("target_id"), json(rs.getString("before_state")), json(rs.getString("after_state")),
					rs.getString("impersonated_by")))
			.list();
		String next = rows.size() > limit ? String.valueOf(rows.get(limit - 1).id()) : null;
		return new Page<>(rows.subList(0, Math.min(limit, rows.size())), next);
	}

	private static @Nullable Object json(@Nullable String text) {
		return text == null ? null : StoredJson.read(text, Object.class);
	}

}

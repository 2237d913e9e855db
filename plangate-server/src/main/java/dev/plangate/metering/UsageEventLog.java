package dev.plangate.metering;

import java.nio.ByteBuffer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import dev.plangate.catalog.CatalogService;
import dev.plangate.customer.CustomerService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.Page;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;
import tools.jackson.core.type.TypeReference;

/**
 * A customer's usage events as the ledger holds them: what
 * {@code /v1/customers/{id}/usage/events} and {@code /v1/me/usage/events} answer, newest
 * first in pages.
 */
@Service
public class UsageEventLog {

	private static final TypeReference<Map<String, Object>> PROPERTIES = new TypeReference<>() {
	};

	static final String COLUMNS = "seq, event_id, feature_key, amount, occurred_at, recorded_at, used_after, overage, "
			+ "properties";

	private final JdbcClient jdbc;

	private final CatalogService catalog;

	private final CustomerService customers;

	UsageEventLog(JdbcClient jdbc, CatalogService catalog, CustomerService customers) {
		this.jdbc = jdbc;
		this.catalog = catalog;
		this.customers = customers;
	}

	/**
	 * A page of a customer's usage events, newest (last recorded) first.
	 * @param customerId the customer
	 * @param feature a feature's key; absent for all
	 * @param from only events that occurred at or after it (ISO-8601 instant or UTC date)
	 * @param to only events that occurred before it (ISO-8601 instant or UTC date)
	 * @param cursor a previous page's {@code nextCursor}
	 * @param limit the most events in the page
	 * @return the page
	 * @throws PlangateException {@code invalid_request} for bad dates, {@code from} not
	 * before {@code to} or a bad cursor; {@code customer_not_found};
	 * {@code feature_not_found}
	 */
	public Page<RecordedEvent> list(String customerId, @Nullable String feature, @Nullable String from,
			@Nullable String to, @Nullable String cursor, int limit) {
		var errors = new ArrayList<FieldError>();
		var start = Timestamps.parse("from", from, errors);
		var end = Timestamps.parse("to", to, errors);
		Long before = decodeCursor(cursor, errors);
		if (!errors.isEmpty()) {
			throw invalid(errors);
		}
		if (start != null && end != null && !start.isBefore(end)) {
			throw invalid(List.of(new FieldError("from", "must be before 'to'")));
		}
		customers.get(customerId);
		String featureKey = feature == null ? null : catalog.feature(feature).key();
		var sql = new StringBuilder("select ").append(COLUMNS)
			.append(" from usage_event where customer_id = :customer");
		if (featureKey != null) {
			sql.append(" and feature_key = :feature");
		}
		if (start != null) {
			sql.append(" and occurred_at >= :from");
		}
		if (end != null) {
			sql.append(" and occurred_at < :to");
		}
		if (before != null) {
			sql.append(" and seq < :before");
		}
		sql.append(" order by seq desc limit :limit");
		var rows = new ArrayList<Row>();
		jdbc.sql(sql.toString())
			.param("customer", customerId)
			.param("feature", featureKey)
			.param("from", Timestamps.sql(start))
			.param("to", Timestamps.sql(end))
			.param("before", before)
			.param("limit", limit + 1)
			.query(rs -> {
				rows.add(new Row(rs.getLong("seq"), read(rs)));
			});
		var page = rows.subList(0, Math.min(limit, rows.size()));
		String next = rows.size() > limit ? encodeCursor(page.get(page.size() - 1).seq()) : null;
		return new Page<>(page.stream().map(Row::event).toList(), next);
	}

	private record Row(long seq, RecordedEvent event) {
	}

	/** The event of the current row of a query of {@link #COLUMNS}. */
	static RecordedEvent read(ResultSet rs) throws SQLException {
		rs.getLong("used_after");
		String source = rs.wasNull() ? "usage-events" : "consume";
		long overage = rs.getLong("overage");
		Long overageOrNull = rs.wasNull() ? null : overage;
		String properties = rs.getString("properties");
		return new RecordedEvent(rs.getString("event_id"), rs.getString("feature_key"), rs.getLong("amount"),
				Timestamps.readRequired(rs, "occurred_at"), Timestamps.readRequired(rs, "recorded_at"), source,
				overageOrNull, properties == null ? null : StoredJson.read(properties, PROPERTIES));
	}

	private static @Nullable Long decodeCursor(@Nullable String cursor, List<FieldError> errors) {
		if (cursor == null) {
			return null;
		}
		try {
			var bytes = Base64.getUrlDecoder().decode(cursor);
			if (bytes.length == 9 && bytes[0] == 'e') {
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
		var bytes = ByteBuffer.allocate(9).put((byte) 'e').putLong(seq).array();
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	static PlangateException invalid(List<FieldError> errors) {
		return new PlangateException(ErrorCode.INVALID_REQUEST, errors.get(0).field() + " " + errors.get(0).message(),
				errors);
	}

}

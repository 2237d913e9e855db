package dev.plangate.platform;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Instants to and from {@code timestamp with time zone} columns, the same way on H2 and
 * PostgreSQL, and from the times that requests give.
 */
public final class Timestamps {

	private Timestamps() {
	}

	public static @Nullable OffsetDateTime sql(@Nullable Instant instant) {
		return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
	}

	public static @Nullable Instant read(ResultSet rs, String column) throws SQLException {
		var value = rs.getObject(column, OffsetDateTime.class);
		return value == null ? null : value.toInstant();
	}

	public static Instant readRequired(ResultSet rs, String column) throws SQLException {
		var value = read(rs, column);
		if (value == null) {
			throw new SQLException("Column " + column + " is null");
		}
		return value;
	}

	/**
	 * A request's time: an ISO-8601 instant with an offset, or a date meaning its start
	 * in UTC; null when absent, or when it is neither, with the field's error added to
	 * {@code errors}.
	 */
	public static @Nullable Instant parse(String field, @Nullable String value, List<FieldError> errors) {
		if (value == null) {
			return null;
		}
		try {
			if (value.length() == 10) {
				return LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC);
			}
			return OffsetDateTime.parse(value).toInstant();
		}
		catch (DateTimeException ex) {
			errors.add(new FieldError(field,
					"must be an ISO-8601 date (2026-12-01) or instant with an offset (2026-12-01T10:00:00Z)"));
			return null;
		}
	}

}

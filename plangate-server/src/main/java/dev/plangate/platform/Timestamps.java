package dev.plangate.platform;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import org.jspecify.annotations.Nullable;

/**
 * Instants to and from {@code timestamp with time zone} columns, the same way on H2 and
 * PostgreSQL.
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

}

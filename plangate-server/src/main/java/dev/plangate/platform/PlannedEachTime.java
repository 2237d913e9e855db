package dev.plangate.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;

import org.postgresql.PGStatement;

/**
 * Statements that PostgreSQL plans at each execution, for the values given and the tables
 * as they then are. PgJDBC otherwise keeps a statement run five times server-side, where
 * PostgreSQL soon settles on a generic plan, made without the values: for a read whose
 * best plan depends on them (a customer holding a few rows of a table or most of it) or
 * on a table that grows, that plan can read the whole table where a few rows were wanted.
 */
public final class PlannedEachTime {

	private PlannedEachTime() {
	}

	/**
	 * A prepared statement of {@code sql}, planned at each execution on PostgreSQL; a
	 * plain one elsewhere.
	 */
	public static PreparedStatement prepare(Connection connection, String sql) throws SQLException {
		var statement = connection.prepareStatement(sql);
		if (statement.isWrapperFor(PGStatement.class)) {
			statement.unwrap(PGStatement.class).setPrepareThreshold(0);
		}
		return statement;
	}

}

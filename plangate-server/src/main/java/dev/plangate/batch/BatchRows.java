package dev.plangate.batch;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import org.jspecify.annotations.Nullable;

import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;

/**
 * Batch and operation rows read into records, and JSON columns written, for this
 * package's repositories.
 */
final class BatchRows {

	private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
	};

	private BatchRows() {
	}

	/** Whether the data source is PostgreSQL, for the statements written for it alone. */
	static boolean isPostgres(DataSource dataSource) {
		try (var connection = dataSource.getConnection()) {
			return "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot tell which database holds the batches", ex);
		}
	}

	static @Nullable String json(@Nullable JsonNode node) {
		return node == null || node.isNull() ? null : node.toString();
	}

	private static @Nullable JsonNode readJson(ResultSet rs, String column) throws SQLException {
		var text = rs.getString(column);
		return text == null ? null : StoredJson.read(text, JsonNode.class);
	}

	static Batch batch(ResultSet rs, int n) throws SQLException {
		long maxConcurrent = rs.getLong("max_concurrent");
		Long cap = rs.wasNull() ? null : maxConcurrent;
		var metadata = rs.getString("metadata");
		return new Batch(rs.getObject("id", UUID.class), rs.getString("customer_id"), rs.getString("region"),
				BatchStatus.of(rs.getString("status")), rs.getInt("priority"), cap, rs.getBoolean("parallel"),
				rs.getBoolean("continue_on_error"), rs.getInt("max_attempts"),
				Duration.ofMillis(rs.getLong("operation_timeout_ms")),
				Duration.ofMillis(rs.getLong("batch_timeout_ms")), rs.getInt("operation_count"),
				metadata == null ? Map.of() : StoredJson.read(metadata, MAP), rs.getString("error"),
				Timestamps.readRequired(rs, "submitted_at"), Timestamps.read(rs, "started_at"),
				Timestamps.read(rs, "deadline_at"), Timestamps.read(rs, "finished_at"));
	}

	static Operation operation(ResultSet rs, int n) throws SQLException {
		int compensates = rs.getInt("compensates");
		Integer compensatesSeq = rs.wasNull() ? null : compensates;
		int progress = rs.getInt("progress");
		Integer progressValue = rs.wasNull() ? null : progress;
		return new Operation(rs.getObject("id", UUID.class), rs.getObject("batch_id", UUID.class),
				rs.getString("customer_id"), rs.getInt("seq"), "compensation".equals(rs.getString("kind")),
				compensatesSeq, rs.getString("region"), rs.getString("type"), readJson(rs, "payload"),
				rs.getString("idempotency_key"), readJson(rs, "compensation"),
				OperationStatus.of(rs.getString("status")), rs.getInt("attempts"), Timestamps.read(rs, "available_at"),
				rs.getString("worker_id"), Timestamps.read(rs, "lease_expires_at"), Timestamps.read(rs, "deadline_at"),
				progressValue, rs.getString("message"), readJson(rs, "result"), readJson(rs, "error"),
				Timestamps.read(rs, "started_at"), Timestamps.read(rs, "finished_at"),
				Duration.ofMillis(rs.getLong("timeout_ms")));
	}

}

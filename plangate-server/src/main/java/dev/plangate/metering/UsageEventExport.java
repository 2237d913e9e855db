package dev.plangate.metering;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.catalog.CatalogService;
import dev.plangate.customer.CustomerService;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;
import tools.jackson.databind.json.JsonMapper;

/**
 * The export of a customer's usage events of a time range, oldest first, as NDJSON or
 * CSV: rows are written as the database hands them over, read through a cursor in a
 * read-only transaction, so no range is held in memory.
 */
@Service
public class UsageEventExport {

	/** The longest range one export covers. */
	static final Duration MAX_RANGE = Duration.ofDays(366);

	/** Rows the database hands over at a time. */
	static final int FETCH_SIZE = 1000;

	static final String CSV_HEADER = "id,feature,amount,occurredAt,recordedAt,source,overage,properties\r\n";

	/** The formats of an export. */
	public enum Format {

		NDJSON("application/x-ndjson"), CSV("text/csv");

		private final String mediaType;

		Format(String mediaType) {
			this.mediaType = mediaType;
		}

		public String mediaType() {
			return mediaType;
		}

	}

	/**
	 * What an export will write, checked before the first byte is.
	 *
	 * @param feature a feature's key; absent for all
	 * @param from the first instant (inclusive)
	 * @param to the last instant (exclusive)
	 */
	public record Request(String customerId, @Nullable String feature, Instant from, Instant to, Format format) {
	}

	private final JdbcTemplate jdbc;

	private final TransactionTemplate readOnly;

	private final CatalogService catalog;

	private final CustomerService customers;

	private final JsonMapper json;

	UsageEventExport(JdbcTemplate jdbc, PlatformTransactionManager transactions, CatalogService catalog,
			CustomerService customers, JsonMapper json) {
		this.jdbc = jdbc;
		this.readOnly = new TransactionTemplate(transactions);
		this.readOnly.setReadOnly(true);
		this.catalog = catalog;
		this.customers = customers;
		this.json = json;
	}

	/**
	 * Checks an export's parameters.
	 * @param customerId the customer
	 * @param feature a feature's key; absent for all
	 * @param from required: ISO-8601 instant or UTC date (inclusive)
	 * @param to required: ISO-8601 instant or UTC date (exclusive)
	 * @param format {@code ndjson} or {@code csv}; absent: by {@code accept}, else ndjson
	 * @param accept the request's Accept header
	 * @return the export to write
	 * @throws dev.plangate.platform.PlangateException {@code invalid_request} for missing
	 * or bad dates, {@code from} not before {@code to}, a range longer than 366 days or
	 * an unknown format; {@code customer_not_found}; {@code feature_not_found}
	 */
	public Request check(String customerId, @Nullable String feature, @Nullable String from, @Nullable String to,
			@Nullable String format, @Nullable String accept) {
		var errors = new ArrayList<FieldError>();
		var chosen = format(format, accept, errors);
		var start = required("from", from, errors);
		var end = required("to", to, errors);
		if (!errors.isEmpty()) {
			throw UsageEventLog.invalid(errors);
		}
		if (!start.isBefore(end)) {
			throw UsageEventLog.invalid(List.of(new FieldError("from", "must be before 'to'")));
		}
		if (Duration.between(start, end).compareTo(MAX_RANGE) > 0) {
			throw UsageEventLog.invalid(List.of(new FieldError("from",
					"the range is longer than 366 days, the most one export covers; export it in parts")));
		}
		customers.get(customerId);
		String featureKey = feature == null ? null : catalog.feature(feature).key();
		return new Request(customerId, featureKey, start, end, chosen);
	}

	private static Instant required(String field, @Nullable String value, List<FieldError> errors) {
		if (value == null) {
			errors.add(new FieldError(field, "is required"));
			return Instant.EPOCH;
		}
		var instant = Timestamps.parse(field, value, errors);
		return instant == null ? Instant.EPOCH : instant;
	}

	private static Format format(@Nullable String format, @Nullable String accept, List<FieldError> errors) {
		if (format != null) {
			for (var f : Format.values()) {
				if (f.name().toLowerCase(Locale.ROOT).equals(format)) {
					return f;
				}
			}
			errors.add(new FieldError("format", "must be ndjson or csv"));
			return Format.NDJSON;
		}
		if (accept != null) {
			var lower = accept.toLowerCase(Locale.ROOT);
			if (lower.contains("text/csv")) {
				return Format.CSV;
			}
		}
		return Format.NDJSON;
	}

	/**
	 * Writes the events of a checked export to {@code out}, oldest first.
	 * @param request what {@link #check} answered
	 * @param out where to write; not closed
	 */
	public void write(Request request, OutputStream out) {
		var writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
		var sql = new StringBuilder("select ").append(UsageEventLog.COLUMNS)
			.append(" from usage_event where customer_id = ? and occurred_at >= ? and occurred_at < ?");
		if (request.feature() != null) {
			sql.append(" and feature_key = ?");
		}
		sql.append(" order by occurred_at, seq");
		if (request.format() == Format.CSV) {
			write(writer, CSV_HEADER);
		}
		readOnly.executeWithoutResult(status -> jdbc.query(con -> {
			var ps = con.prepareStatement(sql.toString());
			ps.setFetchSize(FETCH_SIZE);
			ps.setString(1, request.customerId());
			ps.setObject(2, Timestamps.sql(request.from()));
			ps.setObject(3, Timestamps.sql(request.to()));
			if (request.feature() != null) {
				ps.setString(4, request.feature());
			}
			return ps;
		}, new Rows(request.format(), writer)));
		try {
			writer.flush();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void write(Writer writer, String text) {
		try {
			writer.write(text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Writes each row as it is read. */
	private final class Rows implements RowCallbackHandler {

		private final Format format;

		private final Writer writer;

		Rows(Format format, Writer writer) {
			this.format = format;
			this.writer = writer;
		}

		@Override
		public void processRow(ResultSet rs) throws SQLException {
			var event = UsageEventLog.read(rs);
			write(writer, format == Format.NDJSON ? json.writeValueAsString(event) + "\n" : csvRow(event));
		}

	}

	/** One CSV record with its CRLF, fields quoted as RFC 4180 requires. */
	static String csvRow(RecordedEvent e) {
		var fields = new String[] { e.id(), e.feature(), Long.toString(e.amount()), e.occurredAt().toString(),
				e.recordedAt().toString(), e.source(), e.overage() == null ? "" : e.overage().toString(),
				e.properties() == null ? "" : StoredJson.write(e.properties()) };
		var row = new StringBuilder();
		for (int i = 0; i < fields.length; i++) {
			if (i > 0) {
				row.append(',');
			}
			row.append(csvField(fields[i]));
		}
		return row.append("\r\n").toString();
	}

	static String csvField(String value) {
		boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
				|| value.indexOf('\r') >= 0;
		return quote ? '"' + value.replace("\"", "\"\"") + '"' : value;
	}

}

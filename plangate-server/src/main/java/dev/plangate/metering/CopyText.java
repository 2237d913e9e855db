package dev.plangate.metering;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.plangate.platform.StoredJson;

/**
 * Usage events as rows of PostgreSQL's {@code COPY … FROM STDIN} text format, in the
 * order of the ledger's columns, for the staging table led by the event's position.
 * Columns are separated by tabs and rows end with a newline; a backslash, tab, newline or
 * carriage return inside a value is escaped, and an absent value is {@code \N}.
 */
final class CopyText {

	private static final String NULL = "\\N";

	private CopyText() {
	}

	/**
	 * The rows of these events, encoded in UTF-8 (the encoding PgJDBC asks for), each led
	 * by its position if {@code numbered}.
	 */
	static byte[] rows(List<UsageEvent> events, List<LedgerRepository.@Nullable Consumed> consumed, Instant recordedAt,
			boolean numbered) {
		var text = new StringBuilder(events.size() * 160);
		var recorded = recordedAt.toString();
		// a batch's events share few periods, and often their times: each is written
		// out once
		var times = new HashMap<Instant, String>();
		for (int i = 0; i < events.size(); i++) {
			var e = events.get(i);
			var c = consumed.get(i);
			if (numbered) {
				text.append(i).append('\t');
			}
			escaped(text, e.customerId()).append('\t');
			escaped(text, e.eventId()).append('\t');
			escaped(text, e.feature()).append('\t');
			text.append(e.amount()).append('\t');
			text.append(times.computeIfAbsent(e.occurredAt(), Instant::toString)).append('\t');
			text.append(times.computeIfAbsent(e.periodStart(), Instant::toString)).append('\t');
			text.append(recorded).append('\t');
			if (e.properties().isEmpty()) {
				text.append(NULL);
			}
			else {
				escaped(text, StoredJson.write(e.properties()));
			}
			text.append('\t');
			number(text, c == null ? null : c.usedAfter()).append('\t');
			number(text, c == null ? null : c.fromGrants()).append('\t');
			number(text, c == null ? null : c.grantsLeft()).append('\t');
			number(text, c == null ? null : c.overage()).append('\n');
		}
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

	private static StringBuilder number(StringBuilder text, @Nullable Long value) {
		return value == null ? text.append(NULL) : text.append(value.longValue());
	}

	/** Appends a value with the characters the text format gives a meaning escaped. */
	static StringBuilder escaped(StringBuilder text, String value) {
		for (int i = 0; i < value.length(); i++) {
			char ch = value.charAt(i);
			switch (ch) {
				case '\\' -> text.append("\\\\");
				case '\t' -> text.append("\\t");
				case '\n' -> text.append("\\n");
				case '\r' -> text.append("\\r");
				default -> text.append(ch);
			}
		}
		return text;
	}

}

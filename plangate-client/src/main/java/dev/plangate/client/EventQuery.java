package dev.plangate.client;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * Which events of the log to read, newest first: start from {@link #newest()} and narrow
 * it with the {@code with…} methods.
 *
 * @param type a catalog type, or a prefix such as {@code subscription.*}; all when absent
 * @param from the earliest time (inclusive)
 * @param to the latest time (exclusive)
 * @param cursor a page's {@code nextCursor}, to read on from it
 * @param limit the most events a page holds, 1 to 500
 */
public record EventQuery(@Nullable String type, @Nullable Instant from, @Nullable Instant to, @Nullable String cursor,
		int limit) {

	public EventQuery {
		if (limit < 1 || limit > 500) {
			throw new IllegalArgumentException("limit must be 1 to 500, not " + limit);
		}
	}

	/** The newest events, 50 a page. */
	public static EventQuery newest() {
		return new EventQuery(null, null, null, null, 50);
	}

	/** Events of one type ({@code customer.updated}) or prefix ({@code customer.*}). */
	public EventQuery withType(String type) {
		return new EventQuery(Objects.requireNonNull(type, "type"), from, to, cursor, limit);
	}

	/** Events that happened at {@code from} or later. */
	public EventQuery withFrom(Instant from) {
		return new EventQuery(type, Objects.requireNonNull(from, "from"), to, cursor, limit);
	}

	/** Events that happened before {@code to}. */
	public EventQuery withTo(Instant to) {
		return new EventQuery(type, from, Objects.requireNonNull(to, "to"), cursor, limit);
	}

	/** The page after the one that answered {@code cursor} as its {@code nextCursor}. */
	public EventQuery withCursor(String cursor) {
		return new EventQuery(type, from, to, Objects.requireNonNull(cursor, "cursor"), limit);
	}

	/** At most {@code limit} events a page, 1 to 500. */
	public EventQuery withLimit(int limit) {
		return new EventQuery(type, from, to, cursor, limit);
	}

}

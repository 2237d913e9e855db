package dev.plangate.platform;

import java.util.OptionalInt;

import org.jspecify.annotations.Nullable;

/**
 * The one rule for control characters in what callers send. C0 controls and DEL are
 * refused everywhere: PostgreSQL cannot store NUL in text or jsonb, and nothing else of
 * them belongs in a name, a reason or an id. Free text in a JSON string value keeps tab,
 * line feed and carriage return (a multi-line reason or message); names (JSON keys),
 * query parameters and path segments keep none.
 */
public final class ControlCharacters {

	private ControlCharacters() {
	}

	/** The first refused character of a JSON string value, if any. */
	public static OptionalInt inText(@Nullable String value) {
		return first(value, true);
	}

	/** The first refused character of a name, an id or a parameter, if any. */
	public static OptionalInt inName(@Nullable String value) {
		return first(value, false);
	}

	/** What a caller is told about a refused character. */
	public static String describe(int c) {
		return "must not contain control characters (found U+%04X)".formatted(c);
	}

	private static OptionalInt first(@Nullable String value, boolean lineBreaksAndTabs) {
		if (value == null) {
			return OptionalInt.empty();
		}
		for (int i = 0; i < value.length(); i++) {
			char c = value.charAt(i);
			if ((c < 0x20 || c == 0x7F) && !(lineBreaksAndTabs && (c == '\t' || c == '\n' || c == '\r'))) {
				return OptionalInt.of(c);
			}
		}
		return OptionalInt.empty();
	}

}

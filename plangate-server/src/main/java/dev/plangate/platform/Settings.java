package dev.plangate.platform;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Checks for the settings records' constructors. Each refuses a value with an
 * {@link InvalidSettingException} naming the setting, so that start-up stops saying which
 * variable to correct.
 */
public final class Settings {

	private Settings() {
	}

	/**
	 * The environment variable that sets a property, by Spring's relaxed binding:
	 * {@code plangate.tokens.access-ttl} is {@code PLANGATE_TOKENS_ACCESS_TTL}.
	 */
	public static String variable(String property) {
		return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
	}

	/** Refuses {@code property}: {@code problem} reads after its name. */
	public static InvalidSettingException invalid(String property, String problem) {
		return new InvalidSettingException(property, problem);
	}

	/** Refuses {@code property} with {@code problem} unless {@code condition} holds. */
	public static void require(boolean condition, String property, String problem) {
		if (!condition) {
			throw invalid(property, problem);
		}
	}

	public static String notBlank(String property, String value) {
		require(!value.isBlank(), property, "must not be empty");
		return value.strip();
	}

	/** The value, trimmed and lower-cased, if it is one of {@code allowed}. */
	public static String oneOf(String property, String value, String... allowed) {
		var normalized = value.strip().toLowerCase(Locale.ROOT);
		require(Arrays.asList(allowed).contains(normalized), property,
				"must be " + alternatives(List.of(allowed)) + ", not '" + value + "'");
		return normalized;
	}

	public static int between(String property, int value, int min, int max) {
		require(value >= min && value <= max, property, "must be " + min + " to " + max + ", not " + value);
		return value;
	}

	public static int atLeast(String property, int value, int min) {
		require(value >= min, property, "must be at least " + min + ", not " + value);
		return value;
	}

	public static Duration positive(String property, Duration value) {
		require(!value.isNegative() && !value.isZero(), property, "must be positive, not " + show(value));
		return value;
	}

	public static Duration notNegative(String property, Duration value) {
		require(!value.isNegative(), property, "must not be negative, not " + show(value));
		return value;
	}

	public static Duration between(String property, Duration value, Duration min, Duration max) {
		require(value.compareTo(min) >= 0 && value.compareTo(max) <= 0, property,
				"must be between " + show(min) + " and " + show(max) + ", not " + show(value));
		return value;
	}

	public static Duration atLeast(String property, Duration value, Duration min) {
		require(value.compareTo(min) >= 0, property, "must be at least " + show(min) + ", not " + show(value));
		return value;
	}

	/** An absolute {@code http} or {@code https} URL. */
	public static URI webUrl(String property, String value) {
		try {
			var uri = new URI(value.strip());
			if (uri.getScheme() != null && List.of("http", "https").contains(uri.getScheme().toLowerCase(Locale.ROOT))
					&& uri.getHost() != null) {
				return uri;
			}
		}
		catch (URISyntaxException ex) {
			// refused below
		}
		throw invalid(property, "must be an http or https URL such as 'https://example.com', not '" + value + "'");
	}

	/**
	 * A link template: an http or https URL with {@code {token}} where the link's token
	 * goes.
	 */
	public static String linkTemplate(String property, String value) {
		require(value.contains("{token}"), property,
				"must contain {token}, where the mailed token goes (such as 'https://example.com/page?token={token}'), not '"
						+ value + "'");
		webUrl(property, value.replace("{token}", "token"));
		return value.strip();
	}

	/**
	 * A duration as settings write it: {@code 15m}, {@code 30s}, {@code 1d} (the largest
	 * whole unit).
	 */
	public static String show(Duration value) {
		if (value.isZero()) {
			return "0s";
		}
		long nanos;
		try {
			nanos = value.toNanos();
		}
		catch (ArithmeticException ex) {
			return value.toString();
		}
		for (var unit : List.of(new Unit("d", Duration.ofDays(1)), new Unit("h", Duration.ofHours(1)),
				new Unit("m", Duration.ofMinutes(1)), new Unit("s", Duration.ofSeconds(1)),
				new Unit("ms", Duration.ofMillis(1)), new Unit("us", Duration.ofNanos(1000)))) {
			long size = unit.length().toNanos();
			if (nanos % size == 0) {
				return nanos / size + unit.suffix();
			}
		}
		return nanos + "ns";
	}

	private record Unit(String suffix, Duration length) {
	}

	private static String alternatives(List<String> allowed) {
		var quoted = allowed.stream().map(a -> "'" + a + "'").toList();
		if (quoted.size() == 1) {
			return quoted.get(0);
		}
		return String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + quoted.get(quoted.size() - 1);
	}

}

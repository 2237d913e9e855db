package dev.plangate.platform;

import java.util.Enumeration;
import java.util.Locale;

import jakarta.servlet.http.HttpServletRequest;

/**
 * The {@code Prefer} request header (RFC 7240) as far as Plangate honours it:
 * {@code return=minimal}, which trims an answer to its summary.
 */
public final class Preferences {

	/** The request header. */
	public static final String PREFER = "Prefer";

	/** The answer header naming the preferences honoured. */
	public static final String APPLIED = "Preference-Applied";

	/** The preference for a trimmed answer, as {@link #APPLIED} names it. */
	public static final String RETURN_MINIMAL = "return=minimal";

	private Preferences() {
	}

	/**
	 * Whether the request prefers {@code return=minimal}; any number of {@code Prefer}
	 * headers, each a comma-separated list, are read, and the first {@code return}
	 * preference counts.
	 */
	public static boolean returnMinimal(HttpServletRequest request) {
		Enumeration<String> headers = request.getHeaders(PREFER);
		while (headers != null && headers.hasMoreElements()) {
			for (String preference : headers.nextElement().split(",")) {
				String token = preference.split(";", 2)[0].trim();
				int eq = token.indexOf('=');
				if (eq > 0 && token.substring(0, eq).trim().toLowerCase(Locale.ROOT).equals("return")) {
					String value = token.substring(eq + 1).trim();
					if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
						value = value.substring(1, value.length() - 1);
					}
					return value.equalsIgnoreCase("minimal");
				}
			}
		}
		return false;
	}

}

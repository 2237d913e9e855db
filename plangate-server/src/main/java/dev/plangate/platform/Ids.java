package dev.plangate.platform;

import java.util.regex.Pattern;

/**
 * The shape of identifiers that callers choose, checked before anything is looked up or
 * stored.
 */
public final class Ids {

	/**
	 * A product's own customer id: printable, no spaces or slashes, at most 200
	 * characters.
	 */
	public static final String CUSTOMER_ID = "[A-Za-z0-9._:@|+=~-]{1,200}";

	/** Plan and feature keys. */
	public static final String KEY = "[a-z][a-z0-9_]{0,63}";

	private static final Pattern CUSTOMER_ID_PATTERN = Pattern.compile(CUSTOMER_ID);

	private Ids() {
	}

	public static boolean isCustomerId(String id) {
		return CUSTOMER_ID_PATTERN.matcher(id).matches();
	}

}

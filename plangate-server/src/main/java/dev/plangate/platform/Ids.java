package dev.plangate.platform;

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

	/** What {@link EventId} allows: 1 to 200 visible ASCII characters. */
	public static final String EVENT_ID = "[\\x21-\\x7E]{1,200}";

	private Ids() {
	}

	/**
	 * Whether {@code id} matches {@link #CUSTOMER_ID}, checked character by character
	 * (ingestion checks thousands of ids a request).
	 */
	public static boolean isCustomerId(String id) {
		int length = id.length();
		if (length < 1 || length > 200) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			char c = id.charAt(i);
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.'
					|| c == '_' || c == ':' || c == '@' || c == '|' || c == '+' || c == '=' || c == '~' || c == '-';
			if (!allowed) {
				return false;
			}
		}
		return true;
	}

	/** Whether {@code key} matches {@link #KEY}, checked character by character. */
	public static boolean isKey(String key) {
		int length = key.length();
		if (length < 1 || length > 64) {
			return false;
		}
		char first = key.charAt(0);
		if (first < 'a' || first > 'z') {
			return false;
		}
		for (int i = 1; i < length; i++) {
			char c = key.charAt(i);
			if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
				return false;
			}
		}
		return true;
	}

	/** Whether {@code id} matches {@link #EVENT_ID}, checked character by character. */
	public static boolean isEventId(String id) {
		int length = id.length();
		if (length < 1 || length > 200) {
			return false;
		}
		for (int i = 0; i < length; i++) {
			char c = id.charAt(i);
			if (c < 0x21 || c > 0x7E) {
				return false;
			}
		}
		return true;
	}

}

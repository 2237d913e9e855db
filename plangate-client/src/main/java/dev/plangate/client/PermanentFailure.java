package dev.plangate.client;

import java.util.regex.Pattern;

/** An operation failed in a way that retrying cannot fix. */
public class PermanentFailure extends RuntimeException {

	private static final Pattern CODE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

	private final String code;

	/**
	 * @param code a short machine-readable reason: letters, digits, {@code _ . -}, at
	 * most 64
	 */
	public PermanentFailure(String code, String message) {
		super(message);
		if (!CODE.matcher(code).matches()) {
			throw new IllegalArgumentException("a failure code is 1 to 64 letters, digits, '_', '.' or '-'");
		}
		this.code = code;
	}

	public String code() {
		return code;
	}

}

package dev.plangate.client;

/** An operation failed in a way that retrying cannot fix. */
public class PermanentFailure extends RuntimeException {

	private final String code;

	public PermanentFailure(String code, String message) {
		super(message);
		this.code = code;
	}

	public String code() {
		return code;
	}

}

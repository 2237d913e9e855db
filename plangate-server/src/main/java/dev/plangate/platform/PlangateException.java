package dev.plangate.platform;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A refusal with a stable code; turned into an RFC 9457 problem by
 * {@link ApiExceptionHandler}.
 */
public class PlangateException extends RuntimeException {

	private final ErrorCode code;

	private final List<FieldError> errors;

	private final Map<String, @Nullable Object> properties = new LinkedHashMap<>();

	private final Map<String, String> headers = new LinkedHashMap<>();

	public PlangateException(ErrorCode code, String detail) {
		this(code, detail, List.of());
	}

	public PlangateException(ErrorCode code, String detail, List<FieldError> errors) {
		super(detail);
		this.code = code;
		this.errors = List.copyOf(errors);
	}

	/**
	 * Adds a member to the problem, for machine-readable context such as the current
	 * status.
	 */
	public PlangateException with(String name, @Nullable Object value) {
		properties.put(name, value);
		return this;
	}

	/** Adds a response header to the problem's answer, such as {@code Retry-After}. */
	public PlangateException withHeader(String name, String value) {
		headers.put(name, value);
		return this;
	}

	public Map<String, String> headers() {
		return headers;
	}

	public ErrorCode code() {
		return code;
	}

	public List<FieldError> errors() {
		return errors;
	}

	public Map<String, @Nullable Object> properties() {
		return properties;
	}

	public static PlangateException notFound(ErrorCode code, String what, String id) {
		return new PlangateException(code, what + " '" + id + "' does not exist").with("id", id);
	}

}

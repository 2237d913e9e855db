package dev.plangate.client;

import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * An answer Plangate gave with an error status: its RFC 9457 problem, whose {@code code}
 * is one of the server's stable error codes ({@code event_not_found},
 * {@code webhook_endpoint_not_found}, {@code invalid_request}, …). The codes a client
 * usually handles have subclasses: {@link RefusedException} (the enforcement refusals),
 * {@link NotFoundException}, {@link ConflictException}, {@link ValidationException},
 * {@link AuthenticationException} and {@link PermissionDeniedException}.
 */
public class PlangateApiException extends PlangateException {

	private final int status;

	private final @Nullable String code;

	private final JsonNode problem;

	PlangateApiException(int status, JsonNode problem, String body) {
		super("Plangate answered " + status + ": " + body);
		this.status = status;
		this.problem = problem;
		this.code = problem.path("code").isString() ? problem.path("code").asString() : null;
	}

	/** The HTTP status. */
	public int status() {
		return status;
	}

	/** The problem's stable {@code code}; absent when the answer was no problem. */
	public @Nullable String code() {
		return code;
	}

	/** The problem's {@code detail}: what went wrong, for a person. */
	public @Nullable String detail() {
		return problem.path("detail").isString() ? problem.path("detail").asString() : null;
	}

	/**
	 * The whole problem: {@code title}, {@code detail}, and for bad input {@code errors},
	 * naming each field; a missing node when the answer was no JSON.
	 */
	public JsonNode problem() {
		return problem;
	}

	/** Each bad field the problem names (for bad input); empty otherwise. */
	public List<FieldError> fieldErrors() {
		var errors = new ArrayList<FieldError>();
		problem.path("errors")
			.forEach(e -> errors.add(new FieldError(e.path("field").asString(""), e.path("message").asString(""))));
		return List.copyOf(errors);
	}

	/**
	 * One bad field of a request.
	 *
	 * @param field where it is, as a JSON path ({@code events[3].feature})
	 * @param message what is wrong with it
	 */
	public record FieldError(String field, String message) {
	}

}

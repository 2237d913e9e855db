package dev.plangate.client;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * An answer Plangate gave with an error status: its RFC 9457 problem, whose {@code code}
 * is one of the server's stable error codes ({@code event_not_found},
 * {@code webhook_endpoint_not_found}, {@code invalid_request}, …).
 */
public final class PlangateApiException extends RuntimeException {

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

	/**
	 * The whole problem: {@code title}, {@code detail}, and for bad input {@code errors},
	 * naming each field; a missing node when the answer was no JSON.
	 */
	public JsonNode problem() {
		return problem;
	}

}

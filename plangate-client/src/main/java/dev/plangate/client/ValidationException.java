package dev.plangate.client;

import tools.jackson.databind.JsonNode;

/**
 * Plangate answered 400 or 422: bad input; {@link #fieldErrors()} names each bad field.
 * Never retried: the same request would fail again.
 */
public class ValidationException extends PlangateApiException {

	ValidationException(int status, JsonNode problem, String body) {
		super(status, problem, body);
	}

}

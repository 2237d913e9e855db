package dev.plangate.client;

import tools.jackson.databind.JsonNode;

/**
 * Plangate answered 409: the resource's state does not allow the change (a finished
 * batch, a revoked grant, a blocked downgrade, …).
 */
public class ConflictException extends PlangateApiException {

	ConflictException(int status, JsonNode problem, String body) {
		super(status, problem, body);
	}

}

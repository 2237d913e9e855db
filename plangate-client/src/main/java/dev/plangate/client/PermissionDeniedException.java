package dev.plangate.client;

import tools.jackson.databind.JsonNode;

/** Plangate answered 403: the key may not make this call. */
public class PermissionDeniedException extends PlangateApiException {

	PermissionDeniedException(int status, JsonNode problem, String body) {
		super(status, problem, body);
	}

}

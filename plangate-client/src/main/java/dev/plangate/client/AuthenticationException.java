package dev.plangate.client;

import tools.jackson.databind.JsonNode;

/** Plangate answered 401: the key is missing, unknown or revoked. */
public class AuthenticationException extends PlangateApiException {

	AuthenticationException(int status, JsonNode problem, String body) {
		super(status, problem, body);
	}

}

package dev.plangate.client;

import tools.jackson.databind.JsonNode;

/**
 * Plangate answered 404: the customer, batch, grant, lease… named does not exist (or is
 * another customer's).
 */
public class NotFoundException extends PlangateApiException {

	NotFoundException(int status, JsonNode problem, String body) {
		super(status, problem, body);
	}

}

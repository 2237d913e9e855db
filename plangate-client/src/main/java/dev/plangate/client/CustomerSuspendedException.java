package dev.plangate.client;

import tools.jackson.databind.JsonNode;

/** Refused with 403 {@code customer_suspended}: the customer is suspended. */
public final class CustomerSuspendedException extends RefusedException {

	CustomerSuspendedException(int status, JsonNode problem, String body, Decision decision) {
		super(status, problem, body, decision);
	}

}

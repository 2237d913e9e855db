package dev.plangate.client;

import tools.jackson.databind.JsonNode;

/**
 * Refused with 402 {@code subscription_inactive}: the customer is deleted, or its
 * subscription is not live.
 */
public final class SubscriptionInactiveException extends RefusedException {

	SubscriptionInactiveException(int status, JsonNode problem, String body, Decision decision) {
		super(status, problem, body, decision);
	}

}

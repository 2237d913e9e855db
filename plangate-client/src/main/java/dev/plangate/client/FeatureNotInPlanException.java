package dev.plangate.client;

import tools.jackson.databind.JsonNode;

/**
 * Refused with 402 {@code feature_not_in_plan}: the customer's plan (or an override of 0)
 * does not grant the feature; {@link #upgradePlan()} names one that does.
 */
public final class FeatureNotInPlanException extends RefusedException {

	FeatureNotInPlanException(int status, JsonNode problem, String body, Decision decision) {
		super(status, problem, body, decision);
	}

}

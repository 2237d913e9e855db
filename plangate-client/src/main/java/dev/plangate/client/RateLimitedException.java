package dev.plangate.client;

import tools.jackson.databind.JsonNode;

/**
 * Refused with 429 {@code rate_limited}: the customer's rate allowance is spent;
 * {@link #retryAfter()} says when the next request would pass.
 */
public final class RateLimitedException extends RefusedException {

	RateLimitedException(int status, JsonNode problem, String body, Decision decision) {
		super(status, problem, body, decision);
	}

}

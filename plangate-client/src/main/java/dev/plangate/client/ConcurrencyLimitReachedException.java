package dev.plangate.client;

import tools.jackson.databind.JsonNode;

/**
 * Refused with 429 {@code concurrency_limit_reached}: the customer holds every slot its
 * plan allows (leases, or batches processing at once); {@link #retryAfter()} says when
 * the soonest lease expires.
 */
public final class ConcurrencyLimitReachedException extends RefusedException {

	ConcurrencyLimitReachedException(int status, JsonNode problem, String body, Decision decision) {
		super(status, problem, body, decision);
	}

}

package dev.plangate.client;

import tools.jackson.databind.JsonNode;

/**
 * Refused with 402 {@code quota_exceeded}: the amount would take the period's usage past
 * its limit (or a soft limit's overage cap); nothing was consumed. {@link #resetsAt()}
 * says when the period starts again, {@link #upgradePlan()} which plan would have allowed
 * it.
 */
public final class QuotaExceededException extends RefusedException {

	QuotaExceededException(int status, JsonNode problem, String body, Decision decision) {
		super(status, problem, body, decision);
	}

}

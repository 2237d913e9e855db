package dev.plangate.client;

import org.jspecify.annotations.Nullable;

import tools.jackson.databind.JsonNode;

/**
 * Runs one type of operation. Returning ends the operation well, with the returned
 * result; throwing {@link PermanentFailure} fails it for good; any other exception fails
 * this attempt, which Plangate retries after a backoff while attempts are left.
 * Operations are delivered at least once: use {@link OperationContext#idempotencyKey()}
 * to recognise one run before.
 */
@FunctionalInterface
public interface OperationHandler {

	@Nullable JsonNode handle(OperationContext operation) throws Exception;

}

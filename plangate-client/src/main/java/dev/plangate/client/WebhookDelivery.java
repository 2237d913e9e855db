package dev.plangate.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One event's delivery to one endpoint, with its attempts.
 *
 * @param status {@code pending}, {@code delivering}, {@code succeeded} or {@code failed}
 * @param nextAttemptAt when it is tried next, while pending
 * @param lastStatus the HTTP status of the last attempt's answer, if one came
 */
public record WebhookDelivery(long id, UUID eventId, String eventType, UUID endpointId, String status, int attempts,
		Instant nextAttemptAt, @Nullable Integer lastStatus, @Nullable String lastError, Instant createdAt,
		@Nullable Instant succeededAt, List<Attempt> attemptLog) {

	/**
	 * One attempt.
	 *
	 * @param responseStatus the answer's HTTP status; absent when none came
	 * @param responseBody the answer's first KB
	 */
	public record Attempt(int attempt, Instant attemptedAt, long durationMs, @Nullable Integer responseStatus,
			@Nullable String error, @Nullable String responseBody) {
	}

}

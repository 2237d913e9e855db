package dev.plangate.client;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A webhook endpoint: where Plangate posts the events it takes.
 *
 * @param customerId the customer whose events alone it receives; absent for a
 * platform-wide endpoint
 * @param eventTypes catalog types, {@code prefix.*} or {@code *}
 * @param disabledReason why Plangate disabled it, when it did
 * @param secretPrefix the start of the signing secret, to tell secrets apart
 * @param secret the whole signing secret: only in the answer to a creation or a rotation
 * @param previousSecretExpiresAt until when a rotated-out secret still signs beside it
 * @param failingSince since when every delivery to it has failed
 */
public record WebhookEndpoint(UUID id, @Nullable String customerId, String url, @Nullable String description,
		List<String> eventTypes, boolean enabled, @Nullable String disabledReason, String secretPrefix,
		@Nullable String secret, @Nullable Instant previousSecretExpiresAt, @Nullable Instant failingSince,
		Instant createdAt, Instant updatedAt) {
}

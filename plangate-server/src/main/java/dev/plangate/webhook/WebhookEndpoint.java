package dev.plangate.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * An endpoint as stored; its secrets sealed by the master key.
 *
 * @param customerId the only customer whose events it receives; null for all
 * @param eventTypes type filters: types, {@code prefix.*} or {@code *}
 * @param previousSecret the rotated-out secret, signing too until {@code previousUntil}
 * @param failingSince the first failed attempt with no success since
 */
record WebhookEndpoint(UUID id, @Nullable String customerId, String url, String description, List<String> eventTypes,
		boolean enabled, @Nullable String disabledReason, String secret, String secretPrefix,
		@Nullable String previousSecret, @Nullable Instant previousUntil, @Nullable Instant failingSince,
		Instant createdAt, Instant updatedAt) {

	/**
	 * Stored with a space on either side of each filter, so SQL can match a whole one.
	 */
	static String storedTypes(List<String> eventTypes) {
		return " " + String.join(" ", eventTypes) + " ";
	}

	static List<String> readTypes(String stored) {
		return List.of(stored.strip().split(" +"));
	}

}

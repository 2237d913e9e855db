package dev.plangate.client;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * What to change of a webhook endpoint: {@code WebhookEndpointChanges.none()} and the
 * {@code with…} methods. What is absent stays as it is.
 */
public record WebhookEndpointChanges(@Nullable String url, @Nullable String description,
		@Nullable List<String> eventTypes, @Nullable Boolean enabled) {

	public WebhookEndpointChanges {
		eventTypes = eventTypes == null ? null : List.copyOf(eventTypes);
	}

	/** No change yet. */
	public static WebhookEndpointChanges none() {
		return new WebhookEndpointChanges(null, null, null, null);
	}

	/** A new address. */
	public WebhookEndpointChanges withUrl(String url) {
		return new WebhookEndpointChanges(Objects.requireNonNull(url, "url"), description, eventTypes, enabled);
	}

	/** A new description. */
	public WebhookEndpointChanges withDescription(String description) {
		return new WebhookEndpointChanges(url, Objects.requireNonNull(description, "description"), eventTypes, enabled);
	}

	/** The types it takes from now on, in place of the old ones. */
	public WebhookEndpointChanges withEventTypes(String... eventTypes) {
		return new WebhookEndpointChanges(url, description, List.of(eventTypes), enabled);
	}

	/** Enabling a disabled endpoint makes the deliveries that waited due at once. */
	public WebhookEndpointChanges withEnabled(boolean enabled) {
		return new WebhookEndpointChanges(url, description, eventTypes, enabled);
	}

}

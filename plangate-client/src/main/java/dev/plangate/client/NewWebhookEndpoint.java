package dev.plangate.client;

import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A webhook endpoint to register: {@code NewWebhookEndpoint.at(url)}, narrowed with the
 * {@code with…} methods.
 *
 * @param url where deliveries are posted: http or https
 * @param eventTypes the types it takes; every type ({@code *}) when absent
 * @param enabled whether deliveries are made; true when absent
 * @param customerId receive only this customer's events (its plan must include webhooks);
 * absent for every customer's events and the platform's
 */
public record NewWebhookEndpoint(String url, @Nullable String description, @Nullable List<String> eventTypes,
		@Nullable Boolean enabled, @Nullable String customerId) {

	public NewWebhookEndpoint {
		Objects.requireNonNull(url, "url");
		eventTypes = eventTypes == null ? null : List.copyOf(eventTypes);
	}

	/** An endpoint at {@code url} taking every event. */
	public static NewWebhookEndpoint at(String url) {
		return new NewWebhookEndpoint(url, null, null, null, null);
	}

	/** What it is for, as listings show it. */
	public NewWebhookEndpoint withDescription(String description) {
		return new NewWebhookEndpoint(url, Objects.requireNonNull(description, "description"), eventTypes, enabled,
				customerId);
	}

	/** The types it takes: catalog types, {@code prefix.*} or {@code *}. */
	public NewWebhookEndpoint withEventTypes(String... eventTypes) {
		return new NewWebhookEndpoint(url, description, List.of(eventTypes), enabled, customerId);
	}

	/** Registered disabled ({@code false}): no deliveries are queued for it. */
	public NewWebhookEndpoint withEnabled(boolean enabled) {
		return new NewWebhookEndpoint(url, description, eventTypes, enabled, customerId);
	}

	/** Receives this customer's events only; its plan must include webhooks. */
	public NewWebhookEndpoint forCustomer(String customerId) {
		return new NewWebhookEndpoint(url, description, eventTypes, enabled,
				Objects.requireNonNull(customerId, "customerId"));
	}

}

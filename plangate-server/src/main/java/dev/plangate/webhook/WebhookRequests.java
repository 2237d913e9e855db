package dev.plangate.webhook;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

import dev.plangate.platform.CustomerId;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

/** The request bodies of the webhook endpoint API. */
final class WebhookRequests {

	private WebhookRequests() {
	}

	/**
	 * @param url where deliveries are posted: http or https, reaching no internal address
	 * @param eventTypes the types it receives: catalog types, {@code prefix.*} or
	 * {@code *}; all ({@code ["*"]}) when absent
	 * @param enabled whether deliveries are made; true when absent
	 * @param customerId receive only this customer's events; its plan must include the
	 * webhook feature. Absent: every customer's events and the platform's
	 */
	record NewEndpoint(@NotBlank @Size(max = 2048) String url, @Nullable @Size(max = 500) String description,
			@Nullable @Size(min = 1, max = 100) List<@NotNull @Size(max = 100) String> eventTypes,
			@Nullable Boolean enabled, @Nullable @CustomerId String customerId) {
	}

	/** An end user's endpoint: it receives their customer's events only. */
	record NewMyEndpoint(@NotBlank @Size(max = 2048) String url, @Nullable @Size(max = 500) String description,
			@Nullable @Size(min = 1, max = 100) List<@NotNull @Size(max = 100) String> eventTypes,
			@Nullable Boolean enabled) {
	}

	/**
	 * What to change; absent fields stay. Enabling a disabled endpoint makes the
	 * deliveries that waited.
	 */
	record EndpointPatch(@Nullable @Size(min = 1, max = 2048) String url, @Nullable @Size(max = 500) String description,
			@Nullable @Size(min = 1, max = 100) List<@NotNull @Size(max = 100) String> eventTypes,
			@Nullable Boolean enabled) {

		WebhookEndpoints.EndpointChanges changes() {
			return new WebhookEndpoints.EndpointChanges(url, description, eventTypes, enabled);
		}

	}

	/**
	 * @param overlapSeconds how long the old secret still signs beside the new one; the
	 * setting {@code plangate.webhooks.secret-overlap} (24 h) when absent, 0 to stop it
	 * at once
	 */
	record Rotation(@Nullable @Min(0) @Max(604_800) Long overlapSeconds) {
	}

	/** The events of {@code [from, to)}, by when they happened. */
	record Redelivery(@NotNull Instant from, @NotNull Instant to) {
	}

	/**
	 * How many events a redelivery queued again.
	 *
	 * @param queued one per event of the range the endpoint takes
	 */
	record Redelivered(int queued) {
	}

}

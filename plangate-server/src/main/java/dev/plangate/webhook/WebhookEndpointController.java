package dev.plangate.webhook;

import java.time.Duration;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.CustomerId;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Idempotency;
import dev.plangate.platform.Page;
import dev.plangate.platform.Refusals;
import dev.plangate.webhook.WebhookEndpoints.WebhookEndpointView;
import dev.plangate.webhook.WebhookRepository.WebhookDelivery;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/** The product's webhook endpoints: platform-wide, or scoped to one customer. */
@RestController
@RequestMapping("/v1/webhook-endpoints")
@Tag(name = "Webhooks")
class WebhookEndpointController {

	private final WebhookEndpoints endpoints;

	WebhookEndpointController(WebhookEndpoints endpoints) {
		this.endpoints = endpoints;
	}

	@Refusals({ ErrorCode.INVALID_WEBHOOK_URL, ErrorCode.WEBHOOK_ADDRESS_FORBIDDEN, ErrorCode.UNKNOWN_EVENT_TYPE })
	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "createWebhookEndpoint", summary = "Register a webhook endpoint",
			description = "Deliveries of the event log's events (docs/webhooks.md) are posted to `url`, signed as "
					+ "Standard Webhooks specifies (`webhook-id`, `webhook-timestamp`, `webhook-signature`). The "
					+ "answer holds `secret` (`whsec_…`), shown this once only. With `customerId` the endpoint "
					+ "receives that customer's events only, and the customer's plan must include the webhook "
					+ "feature (403 `webhooks_not_in_plan`). 422 `invalid_webhook_url` for a URL that is not http(s), "
					+ "`webhook_address_forbidden` for one reaching an internal address, `unknown_event_type` for a "
					+ "type outside the catalog.")
	WebhookEndpointView create(@Valid @RequestBody WebhookRequests.NewEndpoint request) {
		var created = endpoints.create(request.customerId(), request.url(), request.description(), request.eventTypes(),
				request.enabled());
		Idempotency.replayInstead(created.withoutSecret());
		return created;
	}

	@GetMapping
	@Operation(operationId = "listWebhookEndpoints", summary = "List webhook endpoints, oldest first",
			description = "Secrets are never shown again: `secretPrefix` tells them apart. `customerId` keeps one "
					+ "customer's endpoints.")
	Page<WebhookEndpointView> list(@RequestParam(required = false) @Nullable @CustomerId String customerId,
			@RequestParam(required = false) @Nullable @Size(max = 200) String cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
		return endpoints.list(customerId, cursor, limit);
	}

	@GetMapping("/{id}")
	@Operation(operationId = "getWebhookEndpoint", summary = "Read a webhook endpoint")
	WebhookEndpointView get(@PathVariable UUID id) {
		return endpoints.get(id, null);
	}

	@Refusals({ ErrorCode.INVALID_WEBHOOK_URL, ErrorCode.WEBHOOK_ADDRESS_FORBIDDEN, ErrorCode.UNKNOWN_EVENT_TYPE })
	@PatchMapping("/{id}")
	@Operation(operationId = "updateWebhookEndpoint", summary = "Change a webhook endpoint",
			description = "Its URL, description, event types, or whether it is enabled; absent fields stay. "
					+ "Enabling a disabled endpoint delivers what waited while it was off.")
	WebhookEndpointView update(@PathVariable UUID id, @Valid @RequestBody WebhookRequests.EndpointPatch request) {
		return endpoints.update(id, null, request.changes());
	}

	@DeleteMapping("/{id}")
	@Operation(operationId = "deleteWebhookEndpoint", summary = "Delete a webhook endpoint and its delivery log")
	WebhookEndpointView delete(@PathVariable UUID id) {
		return endpoints.delete(id, null);
	}

	@PostMapping("/{id}/rotate-secret")
	@Operation(operationId = "rotateWebhookSecret", summary = "Give a webhook endpoint a new secret",
			description = "The answer holds the new `secret`, shown this once. During the overlap (24 h unless "
					+ "`overlapSeconds` says otherwise) deliveries carry a signature by each secret, so the "
					+ "receiver can switch without missing one.")
	WebhookEndpointView rotate(@PathVariable UUID id,
			@Valid @RequestBody(required = false) WebhookRequests.@Nullable Rotation request) {
		var rotated = endpoints.rotate(id, null, overlap(request));
		Idempotency.replayInstead(rotated.withoutSecret());
		return rotated;
	}

	static @Nullable Duration overlap(WebhookRequests.@Nullable Rotation request) {
		return request == null || request.overlapSeconds() == null ? null
				: Duration.ofSeconds(request.overlapSeconds());
	}

	@GetMapping("/{id}/deliveries")
	@Operation(operationId = "listWebhookDeliveries", summary = "The endpoint's delivery log, newest first",
			description = "Each delivery of an event with its status (`pending`, `delivering`, `succeeded`, "
					+ "`failed`) and every attempt: when, how long, the answer's status code and first KB, or the "
					+ "error.")
	Page<WebhookDelivery> deliveries(@PathVariable UUID id,
			@RequestParam(required = false) @Nullable @Min(1) Long cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
		return endpoints.deliveries(id, null, cursor, limit);
	}

	@PostMapping("/{id}/deliveries/{deliveryId}/retry")
	@Operation(operationId = "retryWebhookDelivery", summary = "Deliver one event again, now",
			description = "Whatever became of it; the retry schedule starts again if it fails.")
	WebhookDelivery retry(@PathVariable UUID id, @PathVariable @Min(1) long deliveryId) {
		return endpoints.retry(id, null, deliveryId);
	}

	@PostMapping("/{id}/redeliver")
	@Operation(operationId = "redeliverWebhookEvents", summary = "Deliver again every event of a time range",
			description = "Every event that happened in [`from`, `to`) and that the endpoint takes (by its types "
					+ "and customer now) is queued again, delivered before or not.")
	WebhookRequests.Redelivered redeliver(@PathVariable UUID id,
			@Valid @RequestBody WebhookRequests.Redelivery request) {
		return new WebhookRequests.Redelivered(endpoints.redeliver(id, null, request.from(), request.to()));
	}

}

package dev.plangate.webhook;

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

import dev.plangate.customer.CustomerService;
import dev.plangate.platform.Actor;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Idempotency;
import dev.plangate.platform.Page;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.Refusals;
import dev.plangate.webhook.WebhookEndpoints.WebhookEndpointView;
import dev.plangate.webhook.WebhookRepository.WebhookDelivery;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/**
 * The end user's own webhook endpoints: they receive their customer's events only, and
 * need a plan that includes the webhook feature. An organization's are managed by its
 * owners and admins.
 */
@Refusals({ ErrorCode.WEBHOOKS_NOT_IN_PLAN })
@RestController
@RequestMapping("/v1/me/webhook-endpoints")
@Tag(name = "Webhooks")
class MyWebhookEndpointController {

	private static final String ORGANIZATION = "organization";

	private final WebhookEndpoints endpoints;

	private final CustomerService customers;

	MyWebhookEndpointController(WebhookEndpoints endpoints, CustomerService customers) {
		this.endpoints = endpoints;
		this.customers = customers;
	}

	/**
	 * The customer whose endpoints a change is for: the caller's own, or an organization
	 * it owns or administers.
	 */
	private String managedCustomer() {
		var customerId = Actor.currentCustomer();
		var customer = customers.getUndeleted(customerId);
		if (ORGANIZATION.equals(customer.kind())) {
			var roles = Actor.currentRoles();
			if (!roles.contains("org_owner") && !roles.contains("org_admin")) {
				throw new PlangateException(ErrorCode.FORBIDDEN,
						"Only an owner or admin of organization '" + customerId + "' manages its webhook endpoints");
			}
		}
		return customerId;
	}

	@Refusals({ ErrorCode.INVALID_WEBHOOK_URL, ErrorCode.WEBHOOK_ADDRESS_FORBIDDEN, ErrorCode.UNKNOWN_EVENT_TYPE })
	@PostMapping
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "createMyWebhookEndpoint",
			summary = "Register a webhook endpoint for the token's customer",
			description = "As `POST /v1/webhook-endpoints`, receiving the token's customer's events only. 403 "
					+ "`webhooks_not_in_plan` when the customer's plan does not include the webhook feature. The "
					+ "answer holds `secret`, shown this once.")
	WebhookEndpointView create(@Valid @RequestBody WebhookRequests.NewMyEndpoint request) {
		var created = endpoints.create(managedCustomer(), request.url(), request.description(), request.eventTypes(),
				request.enabled());
		Idempotency.replayInstead(created.withoutSecret());
		return created;
	}

	@GetMapping
	@Operation(operationId = "listMyWebhookEndpoints", summary = "The token's customer's webhook endpoints")
	Page<WebhookEndpointView> list(@RequestParam(required = false) @Nullable @Size(max = 200) String cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
		return endpoints.list(Actor.currentCustomer(), cursor, limit);
	}

	@GetMapping("/{id}")
	@Operation(operationId = "getMyWebhookEndpoint", summary = "Read one of the customer's webhook endpoints")
	WebhookEndpointView get(@PathVariable UUID id) {
		return endpoints.get(id, Actor.currentCustomer());
	}

	@Refusals({ ErrorCode.INVALID_WEBHOOK_URL, ErrorCode.WEBHOOK_ADDRESS_FORBIDDEN, ErrorCode.UNKNOWN_EVENT_TYPE })
	@PatchMapping("/{id}")
	@Operation(operationId = "updateMyWebhookEndpoint", summary = "Change one of the customer's webhook endpoints")
	WebhookEndpointView update(@PathVariable UUID id, @Valid @RequestBody WebhookRequests.EndpointPatch request) {
		return endpoints.update(id, managedCustomer(), request.changes());
	}

	@DeleteMapping("/{id}")
	@Operation(operationId = "deleteMyWebhookEndpoint", summary = "Delete one of the customer's webhook endpoints")
	WebhookEndpointView delete(@PathVariable UUID id) {
		return endpoints.delete(id, managedCustomer());
	}

	@PostMapping("/{id}/rotate-secret")
	@Operation(operationId = "rotateMyWebhookSecret", summary = "Give one of the customer's endpoints a new secret",
			description = "As `POST /v1/webhook-endpoints/{id}/rotate-secret`.")
	WebhookEndpointView rotate(@PathVariable UUID id,
			@Valid @RequestBody(required = false) WebhookRequests.@Nullable Rotation request) {
		var rotated = endpoints.rotate(id, managedCustomer(), WebhookEndpointController.overlap(request));
		Idempotency.replayInstead(rotated.withoutSecret());
		return rotated;
	}

	@GetMapping("/{id}/deliveries")
	@Operation(operationId = "listMyWebhookDeliveries", summary = "The delivery log of one of the customer's endpoints")
	Page<WebhookDelivery> deliveries(@PathVariable UUID id,
			@RequestParam(required = false) @Nullable @Min(1) Long cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
		return endpoints.deliveries(id, Actor.currentCustomer(), cursor, limit);
	}

	@PostMapping("/{id}/deliveries/{deliveryId}/retry")
	@Operation(operationId = "retryMyWebhookDelivery",
			summary = "Deliver one event again to one of the customer's endpoints")
	WebhookDelivery retry(@PathVariable UUID id, @PathVariable @Min(1) long deliveryId) {
		return endpoints.retry(id, managedCustomer(), deliveryId);
	}

	@PostMapping("/{id}/redeliver")
	@Operation(operationId = "redeliverMyWebhookEvents",
			summary = "Deliver again the customer's events of a time range to one of its endpoints")
	WebhookRequests.Redelivered redeliver(@PathVariable UUID id,
			@Valid @RequestBody WebhookRequests.Redelivery request) {
		return new WebhookRequests.Redelivered(
				endpoints.redeliver(id, managedCustomer(), request.from(), request.to()));
	}

}

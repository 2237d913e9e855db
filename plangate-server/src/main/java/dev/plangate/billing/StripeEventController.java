package dev.plangate.billing;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.audit.AuditLog;
import dev.plangate.platform.Actor;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Page;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Refusals({ ErrorCode.BILLING_PROVIDER_DISABLED })
@RestController
@RequestMapping("/v1/admin/billing/events")
@Tag(name = "Billing")
class StripeEventController {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final StripeEventRepository events;

	private final StripeWebhooks webhooks;

	private final AuditLog auditLog;

	StripeEventController(StripeEventRepository events, StripeWebhooks webhooks, AuditLog auditLog) {
		this.events = events;
		this.webhooks = webhooks;
		this.auditLog = auditLog;
	}

	/**
	 * A Stripe event as Plangate received it.
	 *
	 * @param createdAt when Stripe created it
	 * @param outcome {@code processed}, {@code ignored} or {@code failed}; none while it
	 * is being processed for the first time
	 * @param detail why it was ignored, or what processing it did
	 * @param attempts how often it was processed, failed attempts included
	 * @param lastError the last failure, kept once a later attempt succeeds
	 * @param nextAttemptAt while failed: when the retry job tries it again; none once it
	 * gave up
	 * @param duplicates how many deliveries came after it was processed, answered
	 * {@code duplicate}
	 * @param object what the event is about, read from its payload: only when one event
	 * is read
	 */
	record BillingEventView(String id, String type, boolean livemode, Instant createdAt, Instant receivedAt,
			@Nullable Instant processedAt, @Nullable String outcome, @Nullable String detail, int attempts,
			@Nullable String lastError, @Nullable Instant nextAttemptAt, int duplicates,
			@Nullable BillingEventObject object) {

		static BillingEventView of(StripeEventRepository.Stored e, boolean withObject) {
			return new BillingEventView(e.id(), e.type(), e.livemode(), e.createdAt(), e.receivedAt(), e.processedAt(),
					e.outcome(), e.detail(), e.attempts(), e.lastError(), e.nextAttemptAt(), e.duplicates(),
					withObject ? BillingEventObject.of(e.payload()) : null);
		}

	}

	/**
	 * The Stripe object an event carries, in short.
	 *
	 * @param object its kind, such as {@code subscription}, {@code invoice},
	 * {@code checkout.session}
	 * @param id its Stripe id
	 * @param customer its Stripe customer
	 * @param status its status in Stripe
	 * @param plangateCustomer the Plangate customer it names
	 * ({@code client_reference_id}, or metadata {@code plangate_customer_id})
	 * @param apiVersion the Stripe API version the event was written in
	 */
	record BillingEventObject(@Nullable String object, @Nullable String id, @Nullable String customer,
			@Nullable String status, @Nullable String plangateCustomer, @Nullable String apiVersion) {

		static @Nullable BillingEventObject of(String payload) {
			JsonNode event;
			try {
				event = JSON.readTree(payload);
			}
			catch (JacksonException ex) {
				return null;
			}
			var object = event.path("data").path("object");
			var plangateCustomer = text(object.path("client_reference_id"));
			if (plangateCustomer == null) {
				plangateCustomer = text(object.path("metadata").path(StripeSubscriptions.CUSTOMER_METADATA));
			}
			return new BillingEventObject(text(object.path("object")), text(object.path("id")),
					text(object.path("customer")), text(object.path("status")), plangateCustomer,
					text(event.path("api_version")));
		}

		private static @Nullable String text(JsonNode node) {
			return node.isString() ? node.asString() : null;
		}

	}

	@GetMapping
	@Operation(operationId = "listBillingEvents", summary = "List the Stripe events received, newest first",
			description = "Every event Stripe delivered with a valid signature, with what became of it. `status` "
					+ "filters by outcome: `processed`, `ignored`, `failed` (kept and retried: docs/billing.md), or "
					+ "`duplicate` (delivered again after it was processed); `type` by event type, such as "
					+ "`invoice.paid`. Pass `nextCursor` as `cursor`. A bad `status`, `cursor` or `limit`: 400 "
					+ "`invalid_request`.")
	Page<BillingEventView> list(
			@RequestParam(required = false) @Nullable @Pattern(regexp = "processed|ignored|failed|duplicate",
					message = "must be processed, ignored, failed or duplicate") String status,
			@RequestParam(required = false) @Nullable @Size(min = 1, max = 100) String type,
			@RequestParam(required = false) @Nullable @Min(1) Long cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
		var rows = events.list(status, type, cursor, limit);
		String next = rows.size() > limit ? String.valueOf(rows.get(limit - 1).seq()) : null;
		return new Page<>(
				rows.subList(0, Math.min(limit, rows.size())).stream().map(e -> BillingEventView.of(e, false)).toList(),
				next);
	}

	@GetMapping("/{id}")
	@Operation(operationId = "getBillingEvent", summary = "Read one Stripe event",
			description = "What became of it (outcome, detail, attempts, last error, next attempt) and what it is "
					+ "about (`object`: kind, id, Stripe customer, status, Plangate customer). Unknown id: 404 "
					+ "`billing_event_not_found`.")
	BillingEventView get(@PathVariable @Size(max = 255) String id) {
		return events.find(id).map(e -> BillingEventView.of(e, true)).orElseThrow(() -> StripeWebhooks.notFound(id));
	}

	@Refusals({ ErrorCode.BILLING_EVENT_FAILED })
	@PostMapping("/{id}/replay")
	@Operation(operationId = "replayBillingEvent", summary = "Process a stored Stripe event again, now",
			description = "Whatever became of it before: a failed event once its cause is fixed, or one ignored "
					+ "before its customer existed. It is processed as Stripe's delivery would be (changes made are "
					+ "by actor `stripe`; an event older than the newest state applied is `ignored`), and the answer "
					+ "is its new `outcome`, `failed` with the error when processing fails again. Audited as "
					+ "`billing.event_replayed`. Unknown id: 404 `billing_event_not_found`; without provider "
					+ "`stripe`: 404 `billing_provider_disabled`.")
	StripeWebhooks.Receipt replay(@PathVariable @Size(max = 255) String id, HttpServletRequest request) {
		var before = events.find(id);
		var receipt = Actor.as(new Actor(StripeWebhookController.ACTOR, request.getRemoteAddr()),
				() -> webhooks.replay(id));
		var was = before.orElseThrow(() -> StripeWebhooks.notFound(id));
		auditLog.record("billing.event_replayed", "stripe_event", id,
				Map.of("outcome", was.outcome() == null ? "" : was.outcome(), "attempts", was.attempts()), receipt);
		return receipt;
	}

}

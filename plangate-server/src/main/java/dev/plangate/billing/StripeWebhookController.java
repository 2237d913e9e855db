package dev.plangate.billing;

import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.Actor;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;

@Refusals({ ErrorCode.BILLING_PROVIDER_DISABLED, ErrorCode.INVALID_SIGNATURE, ErrorCode.BILLING_EVENT_FAILED })
@RestController
@Tag(name = "Billing")
class StripeWebhookController {

	/**
	 * Who changes a subscription that follows a Stripe event, in histories and the audit
	 * log.
	 */
	static final String ACTOR = "stripe";

	private final StripeWebhooks webhooks;

	StripeWebhookController(StripeWebhooks webhooks) {
		this.webhooks = webhooks;
	}

	@PostMapping(path = "/v1/billing/stripe/webhook", consumes = MediaType.APPLICATION_JSON_VALUE)
	@SecurityRequirements
	@Operation(operationId = "receiveStripeEvent", summary = "Stripe's webhook endpoint",
			description = "Point a Stripe webhook endpoint here. Public: an event is accepted only with a "
					+ "`Stripe-Signature` that verifies with one of `PLANGATE_STRIPE_WEBHOOK_SECRET` within the "
					+ "tolerance (400 `invalid_signature` otherwise, and nothing is stored). Each event is recorded once "
					+ "by its id and processed once, on whichever node receives it first; a repeated delivery answers "
					+ "`duplicate`. `outcome` is `processed`, `ignored` (with the reason in `detail`: an event type "
					+ "Plangate does not act on, an unknown price or customer) or `duplicate`. When processing fails: "
					+ "503 `billing_event_failed`; the event is kept as `failed` and processed again by Stripe's next "
					+ "delivery or the retry job. Without provider " + "`stripe`: 404 `billing_provider_disabled`.")
	StripeWebhooks.Receipt receive(@RequestBody String payload,
			@RequestHeader(name = "Stripe-Signature", required = false) @Nullable String signature,
			HttpServletRequest request) {
		return Actor.as(new Actor(ACTOR, request.getRemoteAddr()), () -> webhooks.receive(payload, signature));
	}

}

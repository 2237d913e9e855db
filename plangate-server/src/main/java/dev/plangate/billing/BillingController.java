package dev.plangate.billing;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.CustomerId;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Key;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

@Refusals({ ErrorCode.BILLING_PROVIDER_DISABLED, ErrorCode.PAYMENT_PROVIDER_REFUSED,
		ErrorCode.PAYMENT_PROVIDER_UNAVAILABLE })
@RestController
@Tag(name = "Billing")
class BillingController {

	/** An absolute http(s) URL, as Stripe takes them. */
	private static final String URL = "https?://[^\\s]+";

	private final StripeCheckout checkout;

	private final StripePortal portal;

	BillingController(StripeCheckout checkout, StripePortal portal) {
		this.checkout = checkout;
		this.portal = portal;
	}

	/**
	 * @param successUrl where Stripe sends the customer once it paid; Stripe replaces
	 * {@code {CHECKOUT_SESSION_ID}} in it
	 * @param cancelUrl where Stripe sends the customer when it turns back
	 * @param allowPromotionCodes whether the page takes promotion codes
	 */
	record StartCheckout(@NotNull @Key String plan,
			@NotNull @Size(max = 2000) @Pattern(regexp = URL, message = "must be an http(s) URL") String successUrl,
			@NotNull @Size(max = 2000) @Pattern(regexp = URL, message = "must be an http(s) URL") String cancelUrl,
			@Nullable Boolean allowPromotionCodes) {
	}

	/**
	 * @param returnUrl where the portal's back link goes
	 */
	record OpenPortal(
			@NotNull @Size(max = 2000) @Pattern(regexp = URL, message = "must be an http(s) URL") String returnUrl) {
	}

	@Refusals({ ErrorCode.UNKNOWN_PLAN, ErrorCode.PLAN_NOT_FOR_SALE, ErrorCode.ALREADY_SUBSCRIBED })
	@PostMapping("/v1/customers/{id}/checkout")
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "startCheckout", summary = "A Stripe Checkout page where the customer pays for a plan",
			description = "Answers the page's `url`: send the customer there. Its first checkout makes the customer's "
					+ "Stripe customer. The plan's trial is offered when the customer never had it. The subscription "
					+ "changes when Stripe's webhook says the payment went through (`checkout.session.completed`, "
					+ "`customer.subscription.created`), not when the customer returns. Unknown plan: 422 "
					+ "`unknown_plan`; archived: 409 `plan_archived`; a free plan: 422 `plan_not_for_sale`; a customer Stripe bills already: 409 `already_subscribed` "
					+ "(change its plan instead); without "
					+ "provider `stripe`: 404 `billing_provider_disabled`; Stripe refusing: 502 "
					+ "`payment_provider_refused`; unreachable: 503 `payment_provider_unavailable`.")
	StripeCheckout.Redirect checkout(@PathVariable @CustomerId String id, @Valid @RequestBody StartCheckout request) {
		return checkout.checkout(id, request.plan(), request.successUrl(), request.cancelUrl(),
				Boolean.TRUE.equals(request.allowPromotionCodes()));
	}

	@Refusals({ ErrorCode.NO_BILLING_CUSTOMER })
	@PostMapping("/v1/customers/{id}/billing-portal")
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "openBillingPortal",
			summary = "A Stripe customer portal page where the customer manages its card, plan and invoices",
			description = "Answers the page's `url`. What the customer changes there reaches Plangate through the "
					+ "webhook. Before its first checkout: 409 `no_billing_customer`; without provider `stripe`: 404 "
					+ "`billing_provider_disabled`.")
	StripeCheckout.Redirect portal(@PathVariable @CustomerId String id, @Valid @RequestBody OpenPortal request) {
		return portal.open(id, request.returnUrl());
	}

}

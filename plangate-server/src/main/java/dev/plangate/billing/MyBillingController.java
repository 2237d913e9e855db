package dev.plangate.billing;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.customer.CustomerService;
import dev.plangate.platform.Actor;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

/**
 * Checkout and the customer portal for the end user's own customer: a user pays for its
 * personal plan, an organization's owners and admins for the organization's.
 */
@Refusals({ ErrorCode.BILLING_PROVIDER_DISABLED, ErrorCode.PAYMENT_PROVIDER_REFUSED,
		ErrorCode.PAYMENT_PROVIDER_UNAVAILABLE })
@RestController
@Tag(name = "Billing")
class MyBillingController {

	private static final String ORGANIZATION = "organization";

	private final StripeCheckout checkout;

	private final StripePortal portal;

	private final CustomerService customers;

	MyBillingController(StripeCheckout checkout, StripePortal portal, CustomerService customers) {
		this.checkout = checkout;
		this.portal = portal;
		this.customers = customers;
	}

	@Refusals({ ErrorCode.UNKNOWN_PLAN, ErrorCode.PLAN_NOT_FOR_SALE, ErrorCode.ALREADY_SUBSCRIBED })
	@PostMapping("/v1/me/checkout")
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "startMyCheckout",
			summary = "A Stripe Checkout page where the token's customer pays for a plan",
			description = "As `POST /v1/customers/{id}/checkout`, for the customer of the access token (account or "
					+ "customer-scoped) or personal key: a user's personal customer, or an organization's when the "
					+ "token acts for it as an owner or admin (a member: 403 `forbidden`). A server key is refused "
					+ "(403).")
	StripeCheckout.Redirect checkout(@Valid @RequestBody BillingController.StartCheckout request) {
		return checkout.checkout(payingCustomer(), request.plan(), request.successUrl(), request.cancelUrl(),
				Boolean.TRUE.equals(request.allowPromotionCodes()));
	}

	@Refusals({ ErrorCode.NO_BILLING_CUSTOMER })
	@PostMapping("/v1/me/billing-portal")
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "openMyBillingPortal", summary = "A Stripe customer portal page for the token's customer",
			description = "As `POST /v1/customers/{id}/billing-portal`, for the customer of the access token or "
					+ "personal key; for an organization, its owners and admins only (a member: 403 `forbidden`).")
	StripeCheckout.Redirect portal(@Valid @RequestBody BillingController.OpenPortal request) {
		return portal.open(payingCustomer(), request.returnUrl());
	}

	/**
	 * The customer the caller pays for: its own, or an organization it owns or
	 * administers.
	 * @throws PlangateException {@code forbidden} for a server key, or a member of an
	 * organization who is neither owner nor admin
	 */
	private String payingCustomer() {
		var customerId = Actor.currentCustomer();
		var customer = customers.getUndeleted(customerId);
		if (ORGANIZATION.equals(customer.kind())) {
			var roles = Actor.currentRoles();
			if (!roles.contains("org_owner") && !roles.contains("org_admin")) {
				throw new PlangateException(ErrorCode.FORBIDDEN, "Only an owner or admin of organization '" + customerId
						+ "' pays for its plan and manages its billing");
			}
		}
		return customerId;
	}

}

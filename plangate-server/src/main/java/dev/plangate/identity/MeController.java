package dev.plangate.identity;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.metering.UsageView;
import dev.plangate.metering.UsageViews;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.SubscriptionService;
import dev.plangate.subscription.SubscriptionView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

/**
 * The signed-in end user's own views: what the product's backend reads under
 * {@code /v1/customers/{id}/…}, for the customer the access token names.
 */
@RestController
@Tag(name = "Me")
class MeController {

	private final SubscriptionService subscriptions;

	private final UsageViews usage;

	MeController(SubscriptionService subscriptions, UsageViews usage) {
		this.subscriptions = subscriptions;
		this.usage = usage;
	}

	@GetMapping("/v1/me/subscription")
	@Operation(summary = "The token's customer's subscription with its plan",
			description = "As `GET /v1/customers/{id}/subscription`, for the customer of the access token "
					+ "(account or customer-scoped). A server key is refused (403).")
	SubscriptionView subscription(@AuthenticationPrincipal TokenPrincipal caller) {
		return subscriptions.view(customerOf(caller));
	}

	@GetMapping("/v1/me/usage")
	@Operation(summary = "The token's customer's usage of every quota in its current period",
			description = "As `GET /v1/customers/{id}/usage`, for the customer of the access token (account or "
					+ "customer-scoped). A server key is refused (403).")
	UsageView usage(@AuthenticationPrincipal TokenPrincipal caller) {
		return usage.of(customerOf(caller));
	}

	private static String customerOf(TokenPrincipal caller) {
		var customerId = caller.claims().customerId();
		if (customerId == null) {
			throw new PlangateException(ErrorCode.CUSTOMER_NOT_FOUND,
					"The access token names no customer: this account has no plan of its own");
		}
		return customerId;
	}

}

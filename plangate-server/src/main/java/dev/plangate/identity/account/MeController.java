package dev.plangate.identity.account;

import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.identity.token.TokenKind;
import dev.plangate.identity.token.TokenPrincipal;
import dev.plangate.metering.UsageView;
import dev.plangate.metering.UsageViews;
import dev.plangate.platform.Actor;
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

	private final AccountService accounts;

	MeController(SubscriptionService subscriptions, UsageViews usage, AccountService accounts) {
		this.subscriptions = subscriptions;
		this.usage = usage;
		this.accounts = accounts;
	}

	/**
	 * Who the caller is: the account (for an account's token or personal key), the
	 * customer whose plan applies, and its subscription.
	 */
	record MeView(String kind, String customerId, AccountViews.@Nullable AccountView account, List<String> roles,
			SubscriptionView subscription) {
	}

	@GetMapping("/v1/me")
	@Operation(operationId = "getMe",
			summary = "Who I am: my account, the customer whose plan applies, and its subscription",
			description = "`kind` is `account` for an account's access token or personal key (then `account` is "
					+ "set) and `customer` for a customer-scoped token. Acting for an organization, `customerId` is "
					+ "the organization's.")
	MeView me() {
		var claims = TokenPrincipal.current().claims();
		var customerId = Actor.currentCustomer();
		var account = claims.kind() == TokenKind.ACCOUNT
				? AccountViews.AccountView.of(accounts.get(UUID.fromString(claims.subject()))) : null;
		return new MeView(claims.kind().id(), customerId, account, claims.roles(), subscriptions.view(customerId));
	}

	@GetMapping("/v1/me/subscription")
	@Operation(operationId = "getMySubscription", summary = "The token's customer's subscription with its plan",
			description = "As `GET /v1/customers/{id}/subscription`, for the customer of the access token "
					+ "(account or customer-scoped). A server key is refused (403).")
	SubscriptionView subscription() {
		return subscriptions.view(Actor.currentCustomer());
	}

	@GetMapping("/v1/me/usage")
	@Operation(operationId = "getMyUsage",
			summary = "The token's customer's usage of every quota in its current period",
			description = "As `GET /v1/customers/{id}/usage`, for the customer of the access token (account or "
					+ "customer-scoped). A server key is refused (403).")
	UsageView usage() {
		return usage.of(Actor.currentCustomer());
	}

}

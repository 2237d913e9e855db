package dev.plangate.identity.account;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.identity.token.TokenKind;
import dev.plangate.identity.token.TokenPrincipal;
import dev.plangate.metering.RecordedEvent;
import dev.plangate.metering.UsageEventLog;
import dev.plangate.metering.UsageHistories;
import dev.plangate.metering.UsageHistory;
import dev.plangate.metering.UsageView;
import dev.plangate.metering.UsageViews;
import dev.plangate.platform.Actor;
import dev.plangate.platform.Page;
import dev.plangate.subscription.SubscriptionService;
import dev.plangate.subscription.SubscriptionView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

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

	private final UsageHistories histories;

	private final UsageEventLog eventLog;

	private final Impersonations impersonations;

	MeController(SubscriptionService subscriptions, UsageViews usage, AccountService accounts, UsageHistories histories,
			UsageEventLog eventLog, Impersonations impersonations) {
		this.impersonations = impersonations;
		this.subscriptions = subscriptions;
		this.usage = usage;
		this.accounts = accounts;
		this.histories = histories;
		this.eventLog = eventLog;
	}

	/**
	 * Who the caller is: the account (for an account's token or personal key), the
	 * customer whose plan applies, and its subscription.
	 *
	 * @param impersonation set when the caller holds an impersonation token: who views as
	 * the account
	 */
	record MeView(String kind, String customerId, AccountViews.@Nullable AccountView account, List<String> roles,
			SubscriptionView subscription, @Nullable ImpersonationInfo impersonation) {
	}

	/**
	 * @param impersonatedBy the operator's account id
	 * @param mode {@code read_only} or {@code read_write}
	 */
	record ImpersonationInfo(UUID id, UUID impersonatedBy, String operatorLogin, String mode, Instant expiresAt) {
	}

	@GetMapping("/v1/me")
	@Operation(operationId = "getMe",
			summary = "Who I am: my account, the customer whose plan applies, and its subscription",
			description = "`kind` is `account` for an account's access token or personal key (then `account` is "
					+ "set) and `customer` for a customer-scoped token. Acting for an organization, `customerId` is "
					+ "the organization's. With an impersonation token (`POST /v1/admin/impersonations`), "
					+ "`impersonation` says who views as the account, in which mode, until when.")
	MeView me() {
		var claims = TokenPrincipal.current().claims();
		var customerId = Actor.currentCustomer();
		var account = claims.kind() == TokenKind.ACCOUNT
				? AccountViews.AccountView.of(accounts.get(UUID.fromString(claims.subject()))) : null;
		ImpersonationInfo impersonation = null;
		if (claims.isImpersonation()) {
			var held = impersonations.get(UUID.fromString(claims.tokenId()));
			impersonation = new ImpersonationInfo(held.id(), held.operatorId(), held.operatorLogin(), held.mode(),
					held.expiresAt());
		}
		return new MeView(claims.kind().id(), customerId, account, claims.roles(), subscriptions.view(customerId),
				impersonation);
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

	@GetMapping("/v1/me/usage/history")
	@Operation(operationId = "getMyUsageHistory", summary = "The token's customer's usage per hour, day or month",
			description = "As `GET /v1/customers/{id}/usage/history`, for the customer of the access token "
					+ "(account or customer-scoped) or personal key. A server key is refused (403).")
	UsageHistory history(@RequestParam(required = false) @Nullable @Size(max = 64) String feature,
			@RequestParam(required = false) @Nullable @Size(max = 64) String from,
			@RequestParam(required = false) @Nullable @Size(max = 64) String to,
			@RequestParam(required = false) @Nullable @Size(max = 16) String granularity) {
		return histories.of(Actor.currentCustomer(), feature, from, to, granularity);
	}

	@GetMapping("/v1/me/usage/events")
	@Operation(operationId = "listMyUsageEvents",
			summary = "The token's customer's recorded usage events, newest first",
			description = "As `GET /v1/customers/{id}/usage/events`, for the customer of the access token "
					+ "(account or customer-scoped) or personal key. A server key is refused (403).")
	Page<RecordedEvent> events(@RequestParam(required = false) @Nullable @Size(max = 64) String feature,
			@RequestParam(required = false) @Nullable @Size(max = 64) String from,
			@RequestParam(required = false) @Nullable @Size(max = 64) String to,
			@RequestParam(required = false) @Nullable @Size(max = 64) String cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
		return eventLog.list(Actor.currentCustomer(), feature, from, to, cursor, limit);
	}

}

package dev.plangate.identity.token;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.customer.CustomerService;
import dev.plangate.customer.CustomerStatus;
import dev.plangate.platform.CustomerId;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Idempotency;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.SubscriptionService;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

@RestController
@Tag(name = "Tokens")
class CustomerTokenController {

	static final int DEFAULT_TTL_SECONDS = 900;

	private final AccessTokens tokens;

	private final CustomerService customers;

	private final SubscriptionService subscriptions;

	CustomerTokenController(AccessTokens tokens, CustomerService customers, SubscriptionService subscriptions) {
		this.tokens = tokens;
		this.customers = customers;
		this.subscriptions = subscriptions;
	}

	/**
	 * @param ttlSeconds 60 to 86400, 900 when absent
	 */
	record MintRequest(@NotNull @CustomerId String customerId, @Nullable @Min(60) @Max(86_400) Integer ttlSeconds) {
	}

	/**
	 * @param token absent only in the replay of a request with the same Idempotency-Key
	 */
	record MintedToken(@Nullable String token, String tokenType, Instant expiresAt, String customerId) {

		@Override
		public String toString() {
			return "MintedToken[" + customerId + ", " + expiresAt + "]";
		}
	}

	@PostMapping("/v1/customer-tokens")
	@ResponseStatus(HttpStatus.CREATED)
	@Operation(operationId = "mintCustomerToken",
			summary = "Mint a customer-scoped token for one of the product's own users",
			description = "Server key only. The token lets the product's frontend read that customer's own views "
					+ "(`/v1/me/subscription`, `/v1/me/usage`) directly: `Authorization: Bearer <token>`. It lives "
					+ "`ttlSeconds` (60 to 86400, default 900) and stops working at once when the customer is "
					+ "suspended or deleted. Unknown or deleted customer: 404 `customer_not_found`; suspended: "
					+ "403 `customer_suspended`. The token is never stored: a replay of the request with the same "
					+ "Idempotency-Key answers without it.")
	MintedToken mint(@Valid @RequestBody MintRequest request) {
		var customer = customers.find(request.customerId())
			.filter(c -> c.status() != CustomerStatus.DELETED)
			.orElseThrow(
					() -> PlangateException.notFound(ErrorCode.CUSTOMER_NOT_FOUND, "Customer", request.customerId()));
		if (customer.status() == CustomerStatus.SUSPENDED) {
			throw new PlangateException(ErrorCode.CUSTOMER_SUSPENDED,
					"Customer '" + customer.id() + "' is suspended: no token is issued for it")
				.with("customerId", customer.id());
		}
		var plan = subscriptions.current(customer).planKey();
		int ttl = request.ttlSeconds() == null ? DEFAULT_TTL_SECONDS : request.ttlSeconds();
		var issued = tokens.issueCustomerToken(customer.id(), plan, Duration.ofSeconds(ttl));
		Idempotency.replayInstead(new MintedToken(null, "Bearer", issued.claims().expiresAt(), customer.id()));
		return new MintedToken(issued.token(), "Bearer", issued.claims().expiresAt(), customer.id());
	}

}

package dev.plangate.billing;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

@Refusals({ ErrorCode.BILLING_PROVIDER_DISABLED, ErrorCode.PAYMENT_PROVIDER_REFUSED,
		ErrorCode.PAYMENT_PROVIDER_UNAVAILABLE })
@RestController
@Tag(name = "Billing")
class StripePriceController {

	private final StripePrices prices;

	StripePriceController(StripePrices prices) {
		this.prices = prices;
	}

	@GetMapping("/v1/admin/billing/prices")
	@Operation(operationId = "checkBillingPrices", summary = "Compare the plans' Stripe prices with the catalog",
			description = "For every version of the active plans with a `stripePrice`, reads the price from Stripe "
					+ "and says `ok`, or `mismatch` with each difference: `price` (Stripe has no such price), "
					+ "`active` (the price is archived), `amount`, `currency`, `interval`, `intervalCount`. Without "
					+ "provider `stripe`: 404 `billing_provider_disabled`; Stripe refusing (a key that may not read "
					+ "prices): 502 `payment_provider_refused`; unreachable: 503 `payment_provider_unavailable`.")
	StripePrices.PriceChecks check() {
		return prices.check();
	}

}

package dev.plangate.billing;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.platform.Actor;
import dev.plangate.platform.CustomerId;
import dev.plangate.platform.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

@RestController
@Tag(name = "Billing")
class ChargeController {

	private final Charges charges;

	ChargeController(Charges charges) {
		this.charges = charges;
	}

	@GetMapping("/v1/customers/{id}/charges")
	@Operation(operationId = "listCharges", summary = "A customer's charges beyond its plan's price, newest first",
			description = "The overage of each ended period (made once, `plangate.charges.delay` after the period "
					+ "ends) and priced grants: quantity, amount in minor units, status (`recorded` without a "
					+ "payment provider; `pending`, `invoiced`, `awaiting_payment`, `paid` or `failed` with Stripe) "
					+ "and Stripe's ids. Pass `nextCursor` of a page as `cursor` to read older ones.")
	Page<ChargeView> list(@PathVariable @CustomerId String id,
			@RequestParam(required = false) @Nullable @Size(max = 255) String cursor,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
		return charges.list(id, cursor, limit);
	}

	@GetMapping("/v1/me/charges")
	@Operation(operationId = "listMyCharges", summary = "The token's customer's charges, newest first",
			description = "As `GET /v1/customers/{id}/charges`, for the customer of the access token (account or "
					+ "customer-scoped) or personal key, without Stripe's reason for a failure. A server key is "
					+ "refused (403).")
	Page<ChargeView> mine(@RequestParam(required = false) @Nullable @Size(max = 255) String cursor,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
		var page = charges.list(Actor.currentCustomer(), cursor, limit);
		return new Page<>(page.data().stream().map(ChargeView::forCustomer).toList(), page.nextCursor());
	}

}

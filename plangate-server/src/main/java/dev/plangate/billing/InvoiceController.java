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
class InvoiceController {

	private final StripeInvoices invoices;

	InvoiceController(StripeInvoices invoices) {
		this.invoices = invoices;
	}

	@GetMapping("/v1/customers/{id}/invoices")
	@Operation(operationId = "listInvoices", summary = "A customer's invoices, newest first",
			description = "As Stripe last described them through its webhook: number, status, amounts in minor "
					+ "units, period, Stripe's hosted page and PDF. Pass `nextCursor` of a page as `cursor` to read "
					+ "older ones. Empty without provider `stripe`.")
	Page<InvoiceView> list(@PathVariable @CustomerId String id,
			@RequestParam(required = false) @Nullable @Size(max = 255) String cursor,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
		return invoices.list(id, cursor, limit);
	}

	@GetMapping("/v1/me/invoices")
	@Operation(operationId = "listMyInvoices", summary = "The token's customer's invoices, newest first",
			description = "As `GET /v1/customers/{id}/invoices`, for the customer of the access token (account or "
					+ "customer-scoped) or personal key. A server key is refused (403).")
	Page<InvoiceView> mine(@RequestParam(required = false) @Nullable @Size(max = 255) String cursor,
			@RequestParam(defaultValue = "20") @Min(1) @Max(100) int limit) {
		return invoices.list(Actor.currentCustomer(), cursor, limit);
	}

}

package dev.plangate.billing;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@Tag(name = "Billing")
class RevenueStatsController {

	private final RevenueStats stats;

	RevenueStatsController(RevenueStats stats) {
		this.stats = stats;
	}

	@GetMapping("/v1/admin/stats/revenue")
	@Operation(operationId = "getRevenueStats", summary = "Amounts invoiced and paid per month, from Stripe's invoices",
			description = "Platform figures for the back office (a server key), from the invoices mirrored from "
					+ "Stripe's webhooks, per currency (in minor units, most first): over the last 30 days "
					+ "(`lastThirtyDays`) and per calendar month in UTC (`months`: the current one and the eleven "
					+ "before it, oldest first, every one named). `invoiced` adds the totals of the invoices finalized "
					+ "in the period, by when Stripe finalized them, uncollectible ones included and void ones left "
					+ "out; `paid` adds what the invoices whose status is `paid` brought in, by when they were paid. "
					+ "`provider` says who takes the payments and `invoices` whether any invoice counts; with "
					+ "provider `none` there are no invoices and every figure is empty. The monthly recurring "
					+ "revenue from the catalog prices is in `GET /v1/admin/stats/subscriptions`.")
	RevenueStats.RevenueFigures revenue() {
		return stats.now();
	}

}

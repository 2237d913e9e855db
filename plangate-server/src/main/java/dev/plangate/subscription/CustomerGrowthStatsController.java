package dev.plangate.subscription;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Size;

@RestController
@Tag(name = "Subscriptions")
class CustomerGrowthStatsController {

	private final CustomerGrowthStats stats;

	CustomerGrowthStatsController(CustomerGrowthStats stats) {
		this.stats = stats;
	}

	@GetMapping("/v1/admin/stats/customers")
	@Operation(operationId = "getCustomerGrowthStats", summary = "Sign-ups and churn over time",
			description = "Per bucket of a `day`, a `week` (from Monday) or a calendar `month` (`granularity`, "
					+ "default `week`; UTC) over `from` to `to` (ISO-8601 instants or UTC dates, widened to whole "
					+ "buckets; default: the last 30 days, 12 weeks or 12 months up to the one holding `to`, now by "
					+ "default; at most 366 days, 157 weeks or 120 months): `newCustomers` (created, deleted ones "
					+ "included), `newPaidSubscriptions` (moved onto a plan with a price above 0 from a free one, or "
					+ "started on one; trials included), `churnedSubscriptions` (moved from a paid plan to a free "
					+ "one, by a cancellation, a downgrade falling due or the end of an unpaid one's grace, or whose "
					+ "customer was deleted), `cancellationsScheduled` (asked for a period's end) and `net` (new paid "
					+ "minus churned), and the same in total. A server key or a support, admin or superadmin's access "
					+ "token. 400 `invalid_request` for a malformed date, `from` not before `to`, another granularity "
					+ "or a longer range.")
	CustomerGrowthStats.GrowthFigures customers(@RequestParam(required = false) @Nullable @Size(max = 64) String from,
			@RequestParam(required = false) @Nullable @Size(max = 64) String to,
			@RequestParam(required = false) @Nullable @Size(max = 16) String granularity) {
		return stats.of(from, to, granularity);
	}

}

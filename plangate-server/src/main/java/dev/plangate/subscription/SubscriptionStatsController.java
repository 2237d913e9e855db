package dev.plangate.subscription;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

@RestController
@Tag(name = "Subscriptions")
class SubscriptionStatsController {

	private final SubscriptionStats stats;

	SubscriptionStatsController(SubscriptionStats stats) {
		this.stats = stats;
	}

	@GetMapping("/v1/admin/stats/subscriptions")
	@Operation(operationId = "getSubscriptionStats",
			summary = "Subscriptions per plan and status, and the monthly recurring revenue",
			description = "Platform figures for the back office (a server key), as stored now, of customers not "
					+ "deleted: the number of `subscriptions`, per `statuses` (every status named, 0 included), and per "
					+ "plan its subscriptions by status. `monthlyRecurringRevenue` (per currency, in minor units, most "
					+ "first; in total and per plan) counts the subscriptions that pay, active and past due, each at the "
					+ "catalog price of the plan version it is on, a yearly price as a twelfth; trialing, unpaid, "
					+ "canceled and incomplete ones add nothing, nor do free plans.")
	SubscriptionStats.SubscriptionFigures subscriptions() {
		return stats.now();
	}

}

package dev.plangate.enforcement;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Size;

@RestController
@Tag(name = "Enforcement")
class DecisionStatsController {

	private final DecisionStats stats;

	DecisionStatsController(DecisionStats stats) {
		this.stats = stats;
	}

	@GetMapping("/v1/admin/stats/decisions")
	@Operation(operationId = "getDecisionStats", summary = "Decisions and refusals over time, by feature and code",
			description = "The enforcement decisions of every node (checks, consumes, rate limits and leases) over "
					+ "`from` to `to` (ISO-8601 instants or UTC dates; default: the last 24 hours), widened to whole "
					+ "buckets of a `minute` or an `hour` (`granularity`, default `hour`; at most 24 hours by the "
					+ "minute, 35 days by the hour), of all features or the one `feature` names (`unknown` for "
					+ "decisions about features the catalog does not know). Answers the totals `allowed` (overage "
					+ "included), `overage`, `refused` and `errors` (decisions that could not be made), every bucket "
					+ "(empty ones included) with its counts and its refusals by code (`quota_exceeded`, "
					+ "`rate_limited`, `feature_not_in_plan`, …), and per feature its counts and refusals by code, "
					+ "most refused first. Each node counts in memory and adds its counts every "
					+ "`plangate.decision-stats.flush-interval`, so the figures are that far behind; they are kept "
					+ "`plangate.decision-stats.retention`. A server key or a support, admin or superadmin's access "
					+ "token. 400 `invalid_request` for a malformed date, `from` not before `to`, another granularity, "
					+ "a longer range or an unknown feature.")
	DecisionStats.DecisionFigures decisions(@RequestParam(required = false) @Nullable @Size(max = 64) String from,
			@RequestParam(required = false) @Nullable @Size(max = 64) String to,
			@RequestParam(required = false) @Nullable @Size(max = 16) String granularity,
			@RequestParam(required = false) @Nullable @Size(max = 64) String feature) {
		return stats.of(from, to, granularity, feature);
	}

}

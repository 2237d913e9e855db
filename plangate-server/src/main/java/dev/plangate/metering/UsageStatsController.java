package dev.plangate.metering;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

@RestController
@Tag(name = "Usage")
class UsageStatsController {

	static final String DESCRIPTION = "Platform analytics for the back office (a server key), "
			+ "summed from the hourly usage rollups over `from` to `to` (ISO-8601 instants or UTC dates; default: the "
			+ "last 30 days; at most 366 days): per quota feature (or the one `feature` names) its `total`, the "
			+ "number of `customers` who used it, its `growth` against the range of equal length before "
			+ "(`previousTotal`, `absolute`, `percent`, absent when the previous total is 0) and the `limit` "
			+ "customers who used it most (`top`, most first, then by id, with their current plan); per plan its "
			+ "customers (not deleted) by subscription status and the range's usage of its current customers per "
			+ "feature. 400 `invalid_request` for a malformed date, `from` not before `to`, a longer range, an "
			+ "unknown feature or one that is not a quota.";

	private final UsageStats stats;

	UsageStatsController(UsageStats stats) {
		this.stats = stats;
	}

	@GetMapping("/v1/admin/stats/usage")
	@Operation(operationId = "getUsageStats", summary = "Usage across customers: top customers, plans, growth",
			description = DESCRIPTION)
	UsageStats.Stats usage(@RequestParam(required = false) @Nullable @Size(max = 64) String feature,
			@RequestParam(required = false) @Nullable @Size(max = 64) String from,
			@RequestParam(required = false) @Nullable @Size(max = 64) String to,
			@RequestParam(defaultValue = "10") @Min(1) @Max(100) int limit) {
		return stats.of(feature, from, to, limit);
	}

}

package dev.plangate.metering;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** A customer's usage of every quota in its current period, as the API shows it. */
public record UsageView(String customerId, String plan, Instant at, List<QuotaUsage> quotas) {

	/**
	 * One quota's state in its current period.
	 *
	 * @param used everything used this period, grants' share included
	 * @param limit the plan's allowance (or the customer's override)
	 * @param remaining what is left of the allowance, grants not counted
	 * @param overage what was used beyond the allowance and the grants (usage recorded
	 * after the fact can exceed them)
	 * @param grants the customer's grants of this feature; absent when it has none
	 * @param overageBilled for a quota with an overage price: the units consumes took as
	 * overage this period, which are billed (usage recorded after the fact is not)
	 * @param overageCost what {@code overageBilled} costs, in minor units of
	 * {@code currency}
	 * @param currency the plan's currency, for {@code overageCost}
	 * @param overageCap the most overage a period admits; absent when uncapped
	 */
	public record QuotaUsage(String feature, String name, @Nullable String unit, String period, Instant periodStart,
			@Nullable Instant periodEnd, @Nullable Long daysRemaining, long used, @Nullable Long limit,
			boolean unlimited, @Nullable Long remaining, @Nullable Double percent, @Nullable Long projected,
			@Nullable Long overage, @Nullable GrantsView grants, List<String> alerts, @Nullable Long overageBilled,
			@Nullable Long overageCost, @Nullable String currency, @Nullable Long overageCap) {
	}

	/**
	 * @param granted what the active grants gave in all
	 * @param remaining what they hold now, drawn once the allowance is spent
	 * @param drawnThisPeriod what this period's consumes drew from grants
	 */
	public record GrantsView(long granted, long remaining, long drawnThisPeriod, List<ActiveGrant> active) {
	}

	public record ActiveGrant(UUID id, long amount, long remaining, @Nullable Instant expiresAt,
			@Nullable String reason) {
	}

}

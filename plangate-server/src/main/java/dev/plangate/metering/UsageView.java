package dev.plangate.metering;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

import dev.plangate.catalog.PlanView;

/**
 * A customer's usage of every quota in its current period, as the API shows it.
 *
 * @param costProjection what the current period is projected to cost
 * @param recommendedPlan the cheapest plan whose limits fit the projected usage, when it
 * is not the current plan; absent when the current plan fits and is the cheapest that
 * does, or when no plan fits
 */
public record UsageView(String customerId, String plan, Instant at, List<QuotaUsage> quotas,
		CostProjection costProjection, @Nullable RecommendedPlan recommendedPlan) {

	/**
	 * One quota's state in its current period.
	 *
	 * @param used everything used this period, grants' share included
	 * @param limit the plan's allowance (or the customer's override)
	 * @param remaining what is left of the allowance, grants not counted
	 * @param projected what the period will have used at its end ({@code projection}'s
	 * total); what is used for a lifetime quota; absent with too little data
	 * @param projection how {@code projected} was made; absent for a lifetime quota and
	 * with too little data
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
			@Nullable Projection projection, @Nullable Long overage, @Nullable GrantsView grants, List<String> alerts,
			@Nullable Long overageBilled, @Nullable Long overageCost, @Nullable String currency,
			@Nullable Long overageCap) {
	}

	/**
	 * A quota's projection to the end of its period.
	 *
	 * @param total what the period will have used: what it used so far plus
	 * {@code dailyRate} times the days left
	 * @param method {@code trend} (the recent days' trend) or {@code linear} (the period
	 * so far as a straight line)
	 * @param dailyRate the usage a day projected for the days left
	 * @param basisDays how many days of usage the rate comes from
	 * @param overage how much of {@code total} lies beyond the limit and the grants;
	 * absent when unlimited
	 * @param overageCost what {@code overage} would cost at the plan's overage price (up
	 * to its cap), in minor units of the plan's currency; absent without an overage price
	 * (a hard limit refuses it instead)
	 */
	public record Projection(long total, String method, double dailyRate, int basisDays, @Nullable Long overage,
			@Nullable Long overageCost) {

		Projection(long total, String method, double dailyRate, int basisDays) {
			this(total, method, dailyRate, basisDays, null, null);
		}

		Projection withOverage(long overage, @Nullable Long overageCost) {
			return new Projection(total, method, dailyRate, basisDays, overage, overageCost);
		}
	}

	/**
	 * What the current period is projected to cost.
	 *
	 * @param plan the plan's price for its interval
	 * @param overage the projected overage cost of the quotas with an overage price
	 * @param total {@code plan} plus {@code overage}
	 * @param currency the plan's, for all three amounts
	 * @param interval the plan's billing interval
	 */
	public record CostProjection(long plan, long overage, long total, String currency, String interval) {
	}

	/**
	 * The plan a customer's projected usage fits best.
	 *
	 * @param plan the plan's key
	 * @param change {@code upgrade} (it costs more), {@code downgrade} (less) or
	 * {@code switch} (the same)
	 * @param reason the numbers that decide it: the quotas the current plan does not fit,
	 * or those that bind on the cheaper plan
	 * @param price the plan's price per {@code interval}
	 */
	public record RecommendedPlan(String plan, String name, String change, String reason, PlanView.Price price,
			String interval) {
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

package dev.plangate.metering;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;

import org.springframework.stereotype.Service;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.subscription.SubscriptionService;

/**
 * The usage view of a customer: what {@code /v1/customers/{id}/usage} and
 * {@code /v1/me/usage} answer.
 */
@Service
public class UsageViews {

	/** The share of a limit at which the usage view warns. */
	static final int APPROACHING_PERCENT = 80;

	/**
	 * A projection made on less of the period than this is noise: it is left out until
	 * then.
	 */
	static final double MIN_ELAPSED_TO_PROJECT = 0.1;

	private final MeteringService metering;

	private final SubscriptionService subscriptions;

	private final CatalogService catalog;

	private final GrantService grants;

	private final LedgerRepository ledger;

	private final Clock clock;

	UsageViews(MeteringService metering, SubscriptionService subscriptions, CatalogService catalog, GrantService grants,
			LedgerRepository ledger, Clock clock) {
		this.ledger = ledger;
		this.metering = metering;
		this.grants = grants;
		this.subscriptions = subscriptions;
		this.catalog = catalog;
		this.clock = clock;
	}

	/**
	 * Used, limit, remaining and percent of each quota; its period; a projection (see
	 * {@link UsageForecast}); alerts; grants; the plan the projections fit best (see
	 * {@link PlanAdvice}).
	 */
	public UsageView of(String customerId) {
		var entitlements = subscriptions.entitlements(customerId);
		var now = clock.instant();
		var quotas = new ArrayList<UsageView.QuotaUsage>();
		var needs = new ArrayList<PlanAdvice.Need>();
		long projectedOverageCost = 0;
		var days = UsageForecast
			.dailyTotals(ledger.rollups(customerId, null, UsageForecast.start(now), UsageForecast.end(now)), now);
		for (var feature : catalog.features()) {
			if (feature.kind() != FeatureKind.QUOTA) {
				continue;
			}
			var entitlement = entitlements.features().get(feature.key());
			var usage = metering.usage(customerId, feature);
			var period = usage.period();
			Long limit = entitlement.unlimited() ? null : entitlement.limit() == null ? 0L : entitlement.limit();
			Long remaining = limit == null ? null : Math.max(0, limit - usage.used());
			Double percent = limit == null ? null
					: limit == 0 ? (usage.used() > 0 ? 100.0 : 0.0) : Math.round(1000.0 * usage.used() / limit) / 10.0;
			var projection = UsageForecast.project(usage.used(), period, now, days.get(feature.key()));
			Long projected = period.end() == null ? Long.valueOf(usage.used())
					: projection == null ? null : projection.total();
			needs.add(new PlanAdvice.Need(feature, projected == null ? usage.used() : projected, projection != null,
					projected != null, entitlement));
			// alerts compare the exact share, not the rounded percent shown
			var alerts = new ArrayList<String>();
			if (limit != null && limit > 0) {
				if (usage.used() >= limit) {
					alerts.add("reached");
				}
				else if (usage.used() * 100 >= APPROACHING_PERCENT * limit) {
					alerts.add("approaching");
				}
			}
			Long daysRemaining = period.end() == null ? null
					: (long) Math.ceil(Duration.between(now, period.end()).toSeconds() / 86400.0);
			var granted = grants.usage(customerId, feature.key(), period);
			Long overage = limit == null ? null : Math.max(0, usage.used() - limit - granted.drawnThisPeriod());
			var grantsView = granted.active().isEmpty() && granted.drawnThisPeriod() == 0 ? null
					: new UsageView.GrantsView(granted.granted(), granted.remaining(), granted.drawnThisPeriod(),
							granted.active()
								.stream()
								.map(g -> new UsageView.ActiveGrant(g.id(), g.amount(), g.remaining(), g.expiresAt(),
										g.reason()))
								.toList());
			var price = entitlement.overage();
			Long billed = price == null ? null : metering.overage(customerId, feature.key(), period);
			if (projection != null && limit != null) {
				long over = Math.max(0, projection.total() - limit - granted.drawnThisPeriod() - granted.remaining());
				Long overCost = price == null ? null
						: cost(price.cap() == null ? over : Math.min(over, price.cap()), price.price(), price.per());
				projection = projection.withOverage(over, overCost);
				projectedOverageCost += overCost == null ? 0 : overCost;
			}
			quotas.add(new UsageView.QuotaUsage(feature.key(), feature.name(), feature.unit(), feature.period().id(),
					period.start(), period.end(), daysRemaining, usage.used(), limit, entitlement.unlimited(),
					remaining, percent, projected, projection, overage, grantsView, alerts, billed,
					price == null ? null : cost(billed, price.price(), price.per()),
					price == null ? null : entitlements.subscription().plan().price().currency(),
					price == null ? null : price.cap()));
		}
		var plan = entitlements.subscription().plan();
		var costs = new UsageView.CostProjection(plan.price().amount(), projectedOverageCost,
				plan.price().amount() + projectedOverageCost, plan.price().currency(), plan.interval());
		return new UsageView(customerId, plan.key(), now, quotas, costs,
				PlanAdvice.recommend(catalog.planVersion(plan.key(), plan.version()), catalog.plans(), needs));
	}

	/**
	 * What {@code units} of overage cost at {@code price} minor units per {@code per}
	 * units, rounded up to a whole minor unit.
	 */
	public static long cost(long units, long price, long per) {
		return -Math.floorDiv(-Math.multiplyExact(units, price), per);
	}

}

package dev.plangate.metering;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.EntitlementView;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.catalog.ResetPeriod;
import dev.plangate.subscription.Holdings;

/**
 * What a customer holds of each lifetime quota (workflows, agents, locations: counts that
 * go up and down), against the limits of a plan it would move to.
 */
@Component
class LifetimeQuotaHoldings implements Holdings {

	private final CatalogService catalog;

	private final LedgerRepository ledger;

	LifetimeQuotaHoldings(CatalogService catalog, LedgerRepository ledger) {
		this.catalog = catalog;
		this.ledger = ledger;
	}

	@Override
	public List<Violation> exceeding(String customerId, Map<String, EntitlementView> entitlements) {
		var violations = new ArrayList<Violation>();
		for (var feature : catalog.features()) {
			boolean lifetime = feature.period() == null || feature.period() == ResetPeriod.LIFETIME;
			var entitlement = entitlements.get(feature.key());
			if (feature.kind() != FeatureKind.QUOTA || !lifetime || entitlement == null) {
				continue;
			}
			var limit = Holdings.limitOf(entitlement);
			if (limit == null) {
				continue;
			}
			long used = ledger.used(customerId, feature.key(), Period.LIFETIME.start());
			if (used > limit) {
				violations.add(new Violation(feature.key(), used, limit));
			}
		}
		return violations;
	}

}

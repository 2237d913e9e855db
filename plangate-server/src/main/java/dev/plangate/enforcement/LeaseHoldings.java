package dev.plangate.enforcement;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.EntitlementView;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.subscription.Holdings;

/**
 * The concurrency slots a customer holds now, against the limits of a plan it would move
 * to.
 */
@Component
class LeaseHoldings implements Holdings {

	private final CatalogService catalog;

	private final LeaseRepository leases;

	private final Clock clock;

	LeaseHoldings(CatalogService catalog, LeaseRepository leases, Clock clock) {
		this.catalog = catalog;
		this.leases = leases;
		this.clock = clock;
	}

	@Override
	public List<Violation> exceeding(String customerId, Map<String, EntitlementView> entitlements) {
		var violations = new ArrayList<Violation>();
		var now = clock.instant();
		for (var feature : catalog.features()) {
			var entitlement = entitlements.get(feature.key());
			if (feature.kind() != FeatureKind.CONCURRENCY || entitlement == null) {
				continue;
			}
			var limit = Holdings.limitOf(entitlement);
			if (limit == null) {
				continue;
			}
			long held = leases.active(customerId, feature.key(), now).size();
			if (held > limit) {
				violations.add(new Violation(feature.key(), held, limit));
			}
		}
		return violations;
	}

}

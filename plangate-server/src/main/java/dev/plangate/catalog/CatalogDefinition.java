package dev.plangate.catalog;

import java.util.List;
import java.util.Optional;

/**
 * A whole catalog file, validated.
 *
 * @param currency what plans are priced in when they do not say
 */
public record CatalogDefinition(String name, String defaultPlan, String currency, List<Feature> features,
		List<PlanDefinition> plans) {

	public CatalogDefinition {
		features = List.copyOf(features);
		plans = List.copyOf(plans);
	}

	public Optional<Feature> feature(String key) {
		return features.stream().filter(f -> f.key().equals(key)).findFirst();
	}

	public Optional<PlanDefinition> plan(String key) {
		return plans.stream().filter(p -> p.key().equals(key)).findFirst();
	}
}

package dev.plangate.catalog;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A feature as the API shows it.
 *
 * @param alertThresholds for a quota, the percents of the limit at which usage alerts
 * fire when the catalog names them; absent for the server's default
 */
public record FeatureView(String key, String name, @Nullable String description, String kind, @Nullable String unit,
		@Nullable String period, @Nullable Long windowSeconds, @Nullable String type, @Nullable List<String> values,
		@Nullable EntitlementView defaultValue, @Nullable List<Integer> alertThresholds) {

	public static FeatureView of(Feature f) {
		return new FeatureView(f.key(), f.name(), f.description(), f.kind().id(), f.unit(),
				f.period() == null ? null : f.period().id(), f.windowSeconds(),
				f.settingType() == null ? null : f.settingType().id(), f.values().isEmpty() ? null : f.values(),
				f.defaultEntitlement() == null ? null : EntitlementView.of(f, f.defaultEntitlement(), null),
				f.alertThresholds().isEmpty() ? null : f.alertThresholds());
	}
}

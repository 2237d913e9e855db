package dev.plangate.catalog;

import java.util.List;

import org.jspecify.annotations.Nullable;

/** A feature as the API shows it. */
public record FeatureView(String key, String name, @Nullable String description, String kind, @Nullable String unit,
		@Nullable String period, @Nullable Long windowSeconds, @Nullable String type, @Nullable List<String> values,
		@Nullable EntitlementView defaultValue) {

	public static FeatureView of(Feature f) {
		return new FeatureView(f.key(), f.name(), f.description(), f.kind().id(), f.unit(),
				f.period() == null ? null : f.period().id(), f.windowSeconds(),
				f.settingType() == null ? null : f.settingType().id(), f.values().isEmpty() ? null : f.values(),
				f.defaultEntitlement() == null ? null : EntitlementView.of(f, f.defaultEntitlement(), null));
	}
}

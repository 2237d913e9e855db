package dev.plangate.catalog;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * Something a plan can grant.
 *
 * @param period for quotas, when usage resets
 * @param windowSeconds for rates, the window the limit counts requests in
 * @param settingType for settings, the type of the value
 * @param values for enum settings, the allowed values
 * @param defaultEntitlement what customers get when their plan does not list the feature
 * @param alertThresholds for quotas, the percents of the limit at which usage alerts
 * fire; empty for the server's default ({@code plangate.alerts.default-thresholds})
 */
public record Feature(String key, String name, @Nullable String description, FeatureKind kind, @Nullable String unit,
		@Nullable ResetPeriod period, @Nullable Long windowSeconds, @Nullable SettingType settingType,
		List<String> values, @Nullable Entitlement defaultEntitlement, List<Integer> alertThresholds) {

	public Feature {
		values = List.copyOf(values);
		alertThresholds = List.copyOf(alertThresholds);
	}

	public Feature(String key, String name, @Nullable String description, FeatureKind kind, @Nullable String unit,
			@Nullable ResetPeriod period, @Nullable Long windowSeconds, @Nullable SettingType settingType,
			List<String> values, @Nullable Entitlement defaultEntitlement) {
		this(key, name, description, kind, unit, period, windowSeconds, settingType, values, defaultEntitlement,
				List.of());
	}
}

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
 */
public record Feature(String key, String name, @Nullable String description, FeatureKind kind, @Nullable String unit,
		@Nullable ResetPeriod period, @Nullable Long windowSeconds, @Nullable SettingType settingType,
		List<String> values, @Nullable Entitlement defaultEntitlement) {

	public Feature {
		values = List.copyOf(values);
	}
}

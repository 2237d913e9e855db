package dev.plangate.catalog;

import java.util.Locale;

/** The type of value a {@link FeatureKind#SETTING} feature holds. */
public enum SettingType {

	NUMBER, TEXT, ENUM;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}

package dev.plangate.catalog;

import java.util.Locale;

/** When a quota's usage starts again from zero. */
public enum ResetPeriod {

	HOUR, DAY, MONTH, BILLING_PERIOD, LIFETIME;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}

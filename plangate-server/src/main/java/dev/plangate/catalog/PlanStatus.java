package dev.plangate.catalog;

import java.util.Locale;

/**
 * Whether new subscribers can choose a plan. Archived plans keep their existing
 * subscribers.
 */
public enum PlanStatus {

	ACTIVE, ARCHIVED;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}

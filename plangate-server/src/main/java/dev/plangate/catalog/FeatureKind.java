package dev.plangate.catalog;

import java.util.Locale;

/**
 * What sort of thing a feature is, which decides how its entitlement is read and
 * enforced.
 */
public enum FeatureKind {

	/** On or off. */
	SWITCH,
	/** An amount per period. */
	QUOTA,
	/** Requests per window. */
	RATE,
	/** At most N held at once. */
	CONCURRENCY,
	/** A value: a number, a text or one of an enumeration. */
	SETTING;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	/** Whether entitlements of this kind are a numeric limit. */
	public boolean isLimited() {
		return this == QUOTA || this == RATE || this == CONCURRENCY;
	}

}

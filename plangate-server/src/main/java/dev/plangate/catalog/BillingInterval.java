package dev.plangate.catalog;

import java.time.ZonedDateTime;
import java.util.Locale;

/** How often a plan is billed, which is also the length of a subscription's period. */
public enum BillingInterval {

	MONTH, YEAR;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * The start of the {@code n}-th period after {@code anchor}. Computed from the anchor
	 * each time, so a subscription started on the 31st renews on the last day of shorter
	 * months and on the 31st again after.
	 */
	public ZonedDateTime periodStart(ZonedDateTime anchor, long n) {
		return this == MONTH ? anchor.plusMonths(n) : anchor.plusYears(n);
	}

}

package dev.plangate.metering;

import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * What one ledger commit did to quotas of a known limit, published inside that commit's
 * transaction: each event admitted with the period's total before and after it, each
 * consume refused, each admitted into overage. Listeners (the usage alerts) write in the
 * same transaction, so what they record commits with the usage or not at all, on
 * whichever node wrote it.
 */
public record QuotaProgress(List<Step> steps) {

	public QuotaProgress {
		steps = List.copyOf(steps);
	}

	public enum Kind {

		/**
		 * Recorded: the period's total went from {@code usedBefore} to {@code usedAfter}.
		 */
		ADMITTED,
		/** A consume refused for want of quota; the total stayed at {@code usedAfter}. */
		REFUSED,
		/** A consume admitted past the allowance and grants, as overage to be billed. */
		OVERAGE

	}

	/**
	 * One event's effect on one quota of one customer.
	 *
	 * @param periodEnd the end of the quota's period; absent for a lifetime quota
	 * @param eventId the consume's or usage event's id
	 * @param limit the allowance (plan or override), grants not counted; above 0
	 */
	public record Step(Kind kind, String customerId, String feature, Instant periodStart, @Nullable Instant periodEnd,
			String eventId, long usedBefore, long usedAfter, long limit) {
	}

}

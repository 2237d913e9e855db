package dev.plangate.metering;

import org.jspecify.annotations.Nullable;

/**
 * The ledger's answer to one event: admitted (recorded now, or before under the same id)
 * or refused for want of quota, with the period's total it was decided against.
 *
 * @param used the period's total after the event when admitted, the total it would have
 * exceeded when refused
 * @param limit the limit it was decided against; absent for events recorded without a
 * limit
 * @param fromGrants the part of the event drawn from grants, when the plan's allowance
 * did not cover it
 * @param grantsLeft what the customer's active grants held right after the decision;
 * absent when the decision did not need them
 * @param overage the part of the event admitted beyond the allowance and the grants, to
 * be billed; absent when none was
 * @param overageCap for a refusal, the overage cap the event would have passed; absent
 * when it was refused for want of allowance and grants alone
 */
public record LedgerDecision(Recorded event, boolean admitted, long used, @Nullable Long limit,
		@Nullable Long fromGrants, @Nullable Long grantsLeft, @Nullable Long overage, @Nullable Long overageCap) {
}

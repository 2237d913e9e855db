package dev.plangate.metering;

/**
 * The ledger's answer to one event: admitted (recorded now, or before under the same id)
 * or refused for want of quota, with the period's total it was decided against.
 *
 * @param used the period's total after the event when admitted, the total it would have
 * exceeded when refused
 * @param limit the limit it was decided against; absent for events recorded without a
 * limit
 */
public record LedgerDecision(Recorded event, boolean admitted, long used,
		@org.jspecify.annotations.Nullable Long limit) {
}

/**
 * Usage metering: the append-only usage ledger, its group-committed ingestion, period
 * windows and usage totals.
 */
@org.jspecify.annotations.NullMarked
package dev.plangate.metering;

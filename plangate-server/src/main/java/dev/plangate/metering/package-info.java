/**
 * Usage metering: the append-only usage ledger, its group-committed ingestion, period
 * windows and usage totals.
 */
@NullMarked
package dev.plangate.metering;

import org.jspecify.annotations.NullMarked;

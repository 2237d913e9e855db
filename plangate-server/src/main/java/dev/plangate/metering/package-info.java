/**
 * Usage metering: the append-only usage ledger, its group-committed ingestion, period
 * windows, usage totals, and the hourly and daily rollups the usage history is read from.
 */
@NullMarked
package dev.plangate.metering;

import org.jspecify.annotations.NullMarked;

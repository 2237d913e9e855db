/**
 * Usage alerts: a quota's thresholds (catalog, default, or the customer's own) fired once
 * per period each when usage crosses them, and once when the quota is exceeded; recorded
 * in an alert history, mailed to the customer and told to webhooks, all in the ledger
 * transaction that recorded the usage.
 */
@NullMarked
package dev.plangate.alert;

import org.jspecify.annotations.NullMarked;

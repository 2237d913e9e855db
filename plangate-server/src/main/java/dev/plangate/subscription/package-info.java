/**
 * Which plan version each customer is on, its periods, plan changes, cancellation and the
 * entitlements view.
 */
@NullMarked
package dev.plangate.subscription;

import org.jspecify.annotations.NullMarked;

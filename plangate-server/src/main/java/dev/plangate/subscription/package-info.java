/**
 * Which plan version each customer is on, its periods, plan changes, cancellation and the
 * entitlements view.
 */
@org.jspecify.annotations.NullMarked
package dev.plangate.subscription;

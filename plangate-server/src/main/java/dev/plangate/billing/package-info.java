/**
 * Payments: the payment provider (none, or Stripe), the Stripe prices of paid plans, and
 * Stripe's webhooks, which Plangate's subscriptions follow.
 */
@NullMarked
package dev.plangate.billing;

import org.jspecify.annotations.NullMarked;

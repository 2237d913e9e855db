/** Customers (users and organizations), their status and their per-customer overrides. */
@org.jspecify.annotations.NullMarked
package dev.plangate.customer;

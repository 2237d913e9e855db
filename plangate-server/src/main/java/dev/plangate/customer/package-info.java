/** Customers (users and organizations), their status and their per-customer overrides. */
@NullMarked
package dev.plangate.customer;

import org.jspecify.annotations.NullMarked;

package dev.plangate.customer;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

import dev.plangate.catalog.Entitlement;

/** A per-customer entitlement that beats the plan's: a bespoke deal. */
public record Override(String customerId, String feature, Entitlement entitlement, @Nullable String reason,
		String setBy, Instant setAt) {
}

package dev.plangate.enforcement;

import java.time.Instant;
import java.util.UUID;

/**
 * One concurrency slot held by a customer until {@code expiresAt}, unless heartbeats
 * extend it.
 */
public record Lease(UUID id, String customerId, String feature, Instant acquiredAt, Instant expiresAt) {
}

package dev.plangate.customer;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A customer of the product, known by the product's own id.
 *
 * @param kind {@code user} or {@code organization} (whose members share its subscription)
 */
public record Customer(String id, String kind, @Nullable String name, @Nullable String email, CustomerStatus status,
		@Nullable String region, Map<String, Object> metadata, Instant createdAt, Instant updatedAt,
		@Nullable Instant deletedAt) {

	public Customer {
		metadata = Map.copyOf(metadata);
	}
}

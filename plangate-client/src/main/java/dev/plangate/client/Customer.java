package dev.plangate.client;

import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A customer of the product, under the product's own id.
 *
 * @param kind {@code user} or {@code organization}
 * @param status {@code active}, {@code suspended} or {@code deleted}
 * @param region where its batches run by default
 */
public record Customer(String id, String kind, @Nullable String name, @Nullable String email, String status,
		@Nullable String region, Map<String, Object> metadata, Instant createdAt, Instant updatedAt,
		@Nullable Instant deletedAt) {

	public Customer {
		metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
	}

}

package dev.plangate.client;

import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What {@link Plangate#upsertCustomer} sets: absent fields are left as they are (or
 * defaulted, for a new customer).
 *
 * @param kind {@code user} or {@code organization}
 * @param region a region name such as {@code us-east-1}
 * @param metadata at most 100 keys; replaces the customer's metadata when present
 */
public record CustomerChanges(@Nullable String kind, @Nullable String name, @Nullable String email,
		@Nullable String region, @Nullable Map<String, Object> metadata) {

	/** Nothing changed: upserting it creates the customer with the defaults. */
	public static CustomerChanges none() {
		return new CustomerChanges(null, null, null, null, null);
	}

	public CustomerChanges withKind(String kind) {
		return new CustomerChanges(kind, name, email, region, metadata);
	}

	public CustomerChanges withName(String name) {
		return new CustomerChanges(kind, name, email, region, metadata);
	}

	public CustomerChanges withEmail(String email) {
		return new CustomerChanges(kind, name, email, region, metadata);
	}

	public CustomerChanges withRegion(String region) {
		return new CustomerChanges(kind, name, email, region, metadata);
	}

	public CustomerChanges withMetadata(Map<String, Object> metadata) {
		return new CustomerChanges(kind, name, email, region, Map.copyOf(metadata));
	}

}

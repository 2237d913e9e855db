package dev.plangate.customer;

/**
 * What other modules learn about customers, published inside the transaction that made
 * the change.
 */
public final class CustomerEvents {

	private CustomerEvents() {
	}

	/** A customer now exists; it needs a subscription in the same transaction. */
	public record Created(String customerId) {
	}

	/** A customer was suspended ({@code active} false) or made active again. */
	public record StatusChanged(String customerId, boolean active) {
	}

	/** A customer was soft-deleted; whatever it held ends. */
	public record Deleted(String customerId) {
	}

}

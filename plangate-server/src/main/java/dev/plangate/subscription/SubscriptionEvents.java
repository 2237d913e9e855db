package dev.plangate.subscription;

/**
 * What other modules learn about subscriptions, published inside the transaction that
 * made the change.
 */
public final class SubscriptionEvents {

	private SubscriptionEvents() {
	}

	/**
	 * A customer's subscription changed: its plan, version or status, at once or as time
	 * passed.
	 */
	public record Changed(String customerId) {
	}

}

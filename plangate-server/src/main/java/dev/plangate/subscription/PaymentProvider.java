package dev.plangate.subscription;

import java.util.Optional;

/**
 * A payment provider that may own customers' subscriptions: while it does, their plan is
 * changed there (a checkout, its portal), and Plangate follows; changing it through
 * Plangate's API would leave the two apart. Implemented by the billing module.
 */
public interface PaymentProvider {

	/**
	 * The provider's name when it owns the customer's subscription (it bills it), else
	 * empty.
	 */
	Optional<String> owns(String customerId);

	/** The actor name of changes the provider makes, as histories show them. */
	String actorName();

}

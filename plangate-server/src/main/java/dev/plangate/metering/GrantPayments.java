package dev.plangate.metering;

/**
 * Takes the payment of a priced grant, set by the module that takes payments. Called in
 * the transaction that creates the grant, before it is stored.
 */
public interface GrantPayments {

	/**
	 * Charges a priced grant once (its id keys the charge).
	 * @return whether the grant must wait for the payment before it may be drawn on
	 */
	boolean charge(Grant grant);

}

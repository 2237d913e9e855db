package dev.plangate.subscription;

import java.time.Instant;
import java.util.Optional;

import dev.plangate.catalog.Plan;

/**
 * A payment provider that may bill customers' subscriptions. While it does, a change made
 * through Plangate's API is carried to the provider first (it charges or credits the
 * customer), then applied in Plangate; changes made in the provider reach Plangate
 * through its webhook. Implemented by the billing module.
 */
public interface PaymentProvider {

	/**
	 * The provider's name when it owns the customer's subscription (it bills it), else
	 * empty.
	 */
	Optional<String> owns(String customerId);

	/** The actor name of changes the provider makes, as histories show them. */
	String actorName();

	/**
	 * Locks what the provider keeps of the customer until the transaction ends, before
	 * Plangate locks its subscription: the same order as the provider's webhook takes.
	 */
	default void lock(String customerId) {
	}

	/**
	 * A change of a subscription the provider owns, to carry to the provider.
	 *
	 * @param customerId the customer
	 * @param from the plan version the customer is on
	 * @param to the plan version it moves to (the same as {@code from} to take back a
	 * scheduled change or a cancellation)
	 * @param periodEnd the end of the current period
	 * @param basis what makes a retried request the same request: the id of the
	 * subscription's newest history entry
	 */
	record Change(String customerId, Plan from, Plan to, Instant periodEnd, String basis) {
	}

	/**
	 * Moves the provider's subscription to another plan now: an upgrade is charged at
	 * once, a downgrade credited on the next invoice.
	 */
	default void changeNow(Change change, boolean upgrade) {
	}

	/** Schedules a move to another plan at the end of the current period. */
	default void changeAtPeriodEnd(Change change) {
	}

	/** Takes back a move scheduled for the end of the current period. */
	default void releaseScheduledChange(Change change) {
	}

	/** Cancels at the end of the current period, or at once. */
	default void cancel(Change change, boolean immediately) {
	}

	/** Takes back a cancellation scheduled for the period's end. */
	default void resume(Change change) {
	}

	/**
	 * What a change would cost, as the provider reckons it.
	 *
	 * @param dueNow charged at once, in minor units
	 * @param nextAmount the next invoice after the change, in minor units
	 */
	record Quote(long dueNow, long nextAmount) {
	}

	/**
	 * What the provider would charge for a change, now or at the period's end; empty when
	 * it does not say.
	 */
	default Optional<Quote> preview(Change change, boolean now, boolean upgrade) {
		return Optional.empty();
	}

}

package dev.plangate.billing;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * One thing billed beyond a plan's price: the overage of an ended period, or a priced
 * grant.
 *
 * @param kind {@code overage} or {@code grant}
 * @param periodStart the overage's period; a grant's creation
 * @param periodEnd when the overage's period ended; absent for a grant
 * @param grantId the grant a grant charge is for
 * @param quantity units billed
 * @param amount in minor units of {@code currency}
 * @param status {@code recorded} (no payment provider: kept for your own invoicing),
 * {@code pending} (to be sent to Stripe), {@code invoiced} (an invoice item is at Stripe,
 * on the customer's next invoice), {@code awaiting_payment} (a grant's invoice is at
 * Stripe, unpaid), {@code paid}, or {@code failed} (Stripe could not take it: see
 * {@code failure})
 * @param failure why Stripe could not take it
 */
public record ChargeView(UUID id, String kind, String customerId, String feature, Instant periodStart,
		@Nullable Instant periodEnd, @Nullable UUID grantId, long quantity, long amount, String currency, String status,
		@Nullable String stripePrice, @Nullable String stripeInvoiceItemId, @Nullable String stripeInvoiceId,
		@Nullable String failure, Instant createdAt, Instant updatedAt) {

	/**
	 * The charge as its own customer sees it: Stripe's reason for a failure is for the
	 * operators.
	 */
	ChargeView forCustomer() {
		return new ChargeView(id, kind, customerId, feature, periodStart, periodEnd, grantId, quantity, amount,
				currency, status, stripePrice, stripeInvoiceItemId, stripeInvoiceId, null, createdAt, updatedAt);
	}

}

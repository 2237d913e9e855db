package dev.plangate.billing;

import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import com.stripe.net.RequestOptions;
import com.stripe.param.InvoiceCreateParams;
import com.stripe.param.InvoiceFinalizeInvoiceParams;
import com.stripe.param.InvoiceItemCreateParams;

import dev.plangate.catalog.PlanView;
import dev.plangate.metering.Grant;
import dev.plangate.metering.GrantPayments;
import dev.plangate.metering.GrantService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.OutboundEvent;
import dev.plangate.platform.PlangateException;

/**
 * The payment of priced grants (a paid emergency pool). Without a payment provider the
 * grant is recorded as a charge and usable at once. With Stripe, a {@code deferred}
 * payment adds an invoice item to the customer's next invoice and the grant is usable at
 * once; an {@code immediate} one makes an invoice of its own, finalized so that Stripe
 * collects it now, and the grant waits for Stripe's {@code invoice.paid}. Every Stripe
 * call has an idempotency key of the grant's id, so a grant is charged once.
 */
@Component
class GrantCharges implements GrantPayments {

	private static final Logger log = LoggerFactory.getLogger(GrantCharges.class);

	private final ChargeRepository charges;

	private final BillingCustomerRepository links;

	private final StripeApi stripe;

	private final BillingSettings billing;

	private final GrantService grants;

	private final ApplicationEventPublisher events;

	GrantCharges(ChargeRepository charges, BillingCustomerRepository links, StripeApi stripe, BillingSettings billing,
			GrantService grants, ApplicationEventPublisher events) {
		this.events = events;
		this.charges = charges;
		this.links = links;
		this.stripe = stripe;
		this.billing = billing;
		this.grants = grants;
	}

	/**
	 * Stores a grant's charge and tells the outside world, in the grant's transaction.
	 */
	private void created(ChargeView charge) {
		charges.insert(charge);
		events.publishEvent(new OutboundEvent("charge.created", charge.customerId(), charge.forCustomer()));
	}

	@Override
	public boolean charge(Grant grant) {
		var price = grant.price();
		if (price == null) {
			return false;
		}
		if (!billing.stripe()) {
			created(charge(grant, price, "recorded", null, null));
			return false;
		}
		var link = links.find(grant.customerId())
			.orElseThrow(() -> new PlangateException(ErrorCode.NO_BILLING_CUSTOMER, "Customer '" + grant.customerId()
					+ "' has no Stripe customer to charge the grant to; it gets " + "one with its first checkout")
				.with("customerId", grant.customerId()));
		boolean immediate = !"deferred".equals(grant.payment());
		var made = new MadeInStripe();
		undoneIfRolledBack(made, grant);
		if (immediate) {
			// a draft Stripe leaves alone: only the finalize below lets Stripe collect
			// it, so
			// a grant that is not made (its transaction rolled back) is never charged
			var invoice = InvoiceCreateParams.builder()
				.setCustomer(link.stripeCustomerId())
				.setCollectionMethod(InvoiceCreateParams.CollectionMethod.CHARGE_AUTOMATICALLY)
				.setAutoAdvance(false)
				.setPendingInvoiceItemsBehavior(InvoiceCreateParams.PendingInvoiceItemsBehavior.EXCLUDE)
				.setDescription(description(grant))
				.putMetadata("plangate_grant_id", grant.id().toString())
				.putMetadata(StripeSubscriptions.CUSTOMER_METADATA, grant.customerId())
				.build();
			made.invoiceId = stripe
				.call("invoice a grant",
						client -> client.v1().invoices().create(invoice, key("plangate-grant-invoice-", grant.id())))
				.getId();
		}
		String invoiceId = made.invoiceId;
		var item = InvoiceItemCreateParams.builder()
			.setCustomer(link.stripeCustomerId())
			.setAmount(price.amount())
			.setCurrency(price.currency().toLowerCase(Locale.ROOT))
			.setDescription(description(grant))
			.putMetadata("plangate_grant_id", grant.id().toString())
			.putMetadata(StripeSubscriptions.CUSTOMER_METADATA, grant.customerId());
		if (invoiceId != null) {
			item.setInvoice(invoiceId);
		}
		var itemId = stripe
			.call("bill a grant",
					client -> client.v1().invoiceItems().create(item.build(), key("plangate-grant-", grant.id())))
			.getId();
		made.itemId = itemId;
		if (invoiceId != null) {
			var collect = InvoiceFinalizeInvoiceParams.builder().setAutoAdvance(true).build();
			made.finalized = true;
			stripe.call("finalize a grant's invoice",
					client -> client.v1()
						.invoices()
						.finalizeInvoice(invoiceId, collect, key("plangate-grant-finalize-", grant.id())));
		}
		created(charge(grant, price, immediate ? "awaiting_payment" : "invoiced", itemId, invoiceId));
		return immediate;
	}

	/**
	 * Stripe says an invoice is paid: the grant it charged, if any, may now be drawn on.
	 * @return what happened, for the event's outcome; absent when the invoice charged no
	 * grant
	 */
	@Nullable String paid(String stripeInvoiceId, Instant at) {
		var charge = charges.ofInvoice(stripeInvoiceId).filter(c -> "grant".equals(c.kind())).orElse(null);
		if (charge == null || charge.grantId() == null) {
			return null;
		}
		charges.sent(charge.id(), "paid", null, null, null, at);
		grants.paid(charge.grantId());
		return "grant " + charge.grantId() + " of customer '" + charge.customerId() + "' is paid and may be drawn on";
	}

	/** What a grant's payment made in Stripe so far. */
	private static final class MadeInStripe {

		@Nullable String invoiceId;

		@Nullable String itemId;

		boolean finalized;

	}

	/**
	 * Should the grant's transaction roll back after Stripe was called (a later call
	 * failed, or the grant could not be stored), undoes what was made in Stripe: a
	 * finalized invoice is voided, a draft deleted, a pending item deleted. Otherwise
	 * Stripe would charge for a grant that does not exist, and a retry would charge
	 * again.
	 */
	private void undoneIfRolledBack(MadeInStripe made, Grant grant) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			return;
		}
		TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
			@Override
			public void afterCompletion(int status) {
				if (status == STATUS_COMMITTED) {
					return;
				}
				try {
					undo(made);
				}
				catch (RuntimeException ex) {
					log.error(
							"Grant {} of customer '{}' was not made, but what it made in Stripe could not be undone"
									+ " (invoice {}, item {}): void or delete it there",
							grant.id(), grant.customerId(), made.invoiceId, made.itemId, ex);
				}
			}
		});
	}

	private void undo(MadeInStripe made) {
		String invoiceId = made.invoiceId;
		String itemId = made.itemId;
		if (invoiceId != null && made.finalized) {
			// a finalize that failed on the network may or may not have happened
			try {
				stripe.call("void a grant's invoice", client -> client.v1().invoices().voidInvoice(invoiceId));
			}
			catch (PlangateException ex) {
				stripe.call("delete a grant's draft invoice", client -> client.v1().invoices().delete(invoiceId));
			}
		}
		else if (invoiceId != null) {
			stripe.call("delete a grant's draft invoice", client -> client.v1().invoices().delete(invoiceId));
		}
		else if (itemId != null) {
			stripe.call("delete a grant's invoice item", client -> client.v1().invoiceItems().delete(itemId));
		}
	}

	private static String description(Grant grant) {
		return grant.amount() + " more '" + grant.feature() + "'"
				+ (grant.reason() == null ? "" : ": " + grant.reason());
	}

	private static RequestOptions key(String prefix, UUID id) {
		return RequestOptions.builder().setIdempotencyKey(prefix + id).build();
	}

	private ChargeView charge(Grant grant, PlanView.Price price, String status, @Nullable String itemId,
			@Nullable String invoiceId) {
		return new ChargeView(UUID.randomUUID(), "grant", grant.customerId(), grant.feature(), grant.createdAt(), null,
				grant.id(), grant.amount(), price.amount(), price.currency(), status, null, itemId, invoiceId, null,
				grant.createdAt(), grant.createdAt());
	}

}

package dev.plangate.billing;

import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import com.stripe.model.Event;
import com.stripe.model.Invoice;

import dev.plangate.customer.CustomerService;
import dev.plangate.platform.OutboundEvent;
import dev.plangate.platform.Page;

/**
 * Invoices mirrored from Stripe: each invoice event writes the invoice as Stripe
 * describes it, unless a newer state of it came first.
 */
@Component
class StripeInvoices {

	private final InvoiceRepository invoices;

	private final BillingCustomerRepository links;

	private final CustomerService customers;

	private final Clock clock;

	private final GrantCharges grantCharges;

	private final ApplicationEventPublisher events;

	StripeInvoices(InvoiceRepository invoices, BillingCustomerRepository links, CustomerService customers, Clock clock,
			GrantCharges grantCharges, ApplicationEventPublisher events) {
		this.events = events;
		this.grantCharges = grantCharges;
		this.invoices = invoices;
		this.links = links;
		this.customers = customers;
		this.clock = clock;
	}

	/**
	 * The invoice events of Stripe that the event catalog passes on, under the same
	 * names, with the mirrored invoice: one each for an invoice's milestones (Stripe's
	 * {@code invoice.payment_succeeded} comes with {@code invoice.paid}, which says it).
	 */
	static final Set<String> ANNOUNCED = Set.of("invoice.finalized", "invoice.paid", "invoice.payment_failed",
			"invoice.voided", "invoice.marked_uncollectible");

	/** Mirrors the invoice of an invoice event, inside the caller's transaction. */
	StripeSubscriptions.Outcome apply(Event event, Invoice invoice) {
		if (invoice.getId() == null || invoice.getCustomer() == null || invoice.getCreated() == null) {
			return StripeSubscriptions.Outcome.ignored("The invoice has no id, customer or creation time yet");
		}
		var customerId = links.customerOf(invoice.getCustomer()).orElse(null);
		if (customerId == null) {
			return StripeSubscriptions.Outcome
				.ignored("Stripe customer " + invoice.getCustomer() + " is no Plangate customer");
		}
		var view = new InvoiceView(invoice.getId(), customerId, invoice.getNumber(),
				invoice.getStatus() == null ? "draft" : invoice.getStatus(),
				invoice.getCurrency() == null ? "" : invoice.getCurrency().toUpperCase(Locale.ROOT),
				orZero(invoice.getTotal()), orZero(invoice.getAmountDue()), orZero(invoice.getAmountPaid()),
				orZero(invoice.getAmountRemaining()), invoice.getBillingReason(), instant(invoice.getPeriodStart()),
				instant(invoice.getPeriodEnd()), instant(invoice.getDueDate()), invoice.getHostedInvoiceUrl(),
				invoice.getInvoicePdf(), Instant.ofEpochSecond(invoice.getCreated()), clock.instant());
		var stateAt = Instant.ofEpochSecond(event.getCreated());
		var transitions = invoice.getStatusTransitions();
		var finalizedAt = transitions == null ? null : instant(transitions.getFinalizedAt());
		if (finalizedAt == null && !view.status().equals("draft")) {
			// a state past the draft without its transitions: finalized when created
			finalizedAt = view.createdAt();
		}
		var paidAt = transitions == null ? null : instant(transitions.getPaidAt());
		if (!view.status().equals("paid")) {
			paidAt = null;
		}
		else if (paidAt == null) {
			paidAt = stateAt;
		}
		if (!invoices.upsert(view, stateAt, finalizedAt, paidAt)) {
			return StripeSubscriptions.Outcome.ignored("A newer state of invoice " + invoice.getId() + " came first");
		}
		if (ANNOUNCED.contains(event.getType())) {
			events.publishEvent(new OutboundEvent(event.getType(), customerId, view));
		}
		return new StripeSubscriptions.Outcome(true,
				"Invoice " + invoice.getId() + " of customer '" + customerId + "' is " + view.status());
	}

	/**
	 * Mirrors a paid invoice, and lets the grant it charged (a paid emergency pool) be
	 * drawn on, inside the caller's transaction.
	 */
	StripeSubscriptions.Outcome paid(Event event, Invoice invoice) {
		var mirrored = apply(event, invoice);
		var grant = invoice.getId() == null ? null : grantCharges.paid(invoice.getId(), clock.instant());
		var grantId = invoice.getMetadata() == null ? null : invoice.getMetadata().get("plangate_grant_id");
		if (grant == null && grantId != null) {
			// paid while the grant's own transaction has not committed yet (Stripe can
			// take
			// the payment during the finalize): failing keeps the event, and its retry
			// finds
			// the grant; a grant that was never made leaves it failed, for an operator
			throw new IllegalStateException("Invoice " + invoice.getId() + " charged grant " + grantId
					+ ", which Plangate does not hold (yet)");
		}
		if (grant == null) {
			return mirrored;
		}
		return new StripeSubscriptions.Outcome(true, (mirrored.applied() ? mirrored.detail() + "; " : "")
				+ grant.substring(0, 1).toUpperCase(Locale.ROOT) + grant.substring(1));
	}

	/** A customer's invoices, newest first. */
	Page<InvoiceView> list(String customerId, @Nullable String cursor, int limit) {
		customers.get(customerId);
		var page = invoices.list(customerId, cursor, limit + 1);
		if (page.size() <= limit) {
			return Page.of(page);
		}
		var shown = page.subList(0, limit);
		return new Page<>(shown, shown.get(limit - 1).id());
	}

	private static long orZero(@Nullable Long value) {
		return value == null ? 0 : value;
	}

	private static @Nullable Instant instant(@Nullable Long epochSecond) {
		return epochSecond == null ? null : Instant.ofEpochSecond(epochSecond);
	}

}

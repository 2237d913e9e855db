package dev.plangate.billing;

import java.util.List;

import org.springframework.stereotype.Service;

import dev.plangate.customer.CustomerService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/**
 * Billing for the end users' portal: what {@code /v1/me/checkout},
 * {@code /v1/me/billing-portal} and {@code /v1/me/invoices} give an end user, for a
 * customer of its own (an organization's billing is its owners' and admins', through the
 * API with the organization's token).
 */
@Service
public class PortalBilling {

	private final BillingSettings settings;

	private final StripeCheckout checkout;

	private final StripePortal portal;

	private final StripeInvoices invoices;

	private final CustomerService customers;

	PortalBilling(BillingSettings settings, StripeCheckout checkout, StripePortal portal, StripeInvoices invoices,
			CustomerService customers) {
		this.settings = settings;
		this.checkout = checkout;
		this.portal = portal;
		this.invoices = invoices;
		this.customers = customers;
	}

	/** Whether the deployment takes payments (provider {@code stripe}). */
	public boolean enabled() {
		return settings.stripe();
	}

	/** The customer's newest invoices; none without provider {@code stripe}. */
	public List<InvoiceView> invoices(String customerId, int limit) {
		return invoices.list(customerId, null, limit).data();
	}

	/**
	 * The address of a Stripe Checkout page where the customer pays for the plan.
	 * @throws PlangateException as {@code POST /v1/me/checkout} does, and
	 * {@code forbidden} for an organization
	 */
	public String checkout(String customerId, String planKey, String successUrl, String cancelUrl) {
		return checkout.checkout(personal(customerId), planKey, successUrl, cancelUrl, false).url();
	}

	/** The address of Stripe's customer portal for the customer. */
	public String billingPortal(String customerId, String returnUrl) {
		return portal.open(personal(customerId), returnUrl).url();
	}

	private String personal(String customerId) {
		if ("organization".equals(customers.getUndeleted(customerId).kind())) {
			throw new PlangateException(ErrorCode.FORBIDDEN,
					"An organization's owners and admins manage its billing in the product's app");
		}
		return customerId;
	}

}

package dev.plangate.billing;

import org.springframework.stereotype.Service;

import com.stripe.param.billingportal.SessionCreateParams;

import dev.plangate.customer.CustomerService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;

/**
 * Stripe's customer portal, where a customer who has paid through Stripe changes its
 * card, sees its invoices, changes plan or cancels: what it does there reaches Plangate
 * through the webhook.
 */
@Service
class StripePortal {

	private final StripeApi stripe;

	private final BillingCustomerRepository links;

	private final CustomerService customers;

	StripePortal(StripeApi stripe, BillingCustomerRepository links, CustomerService customers) {
		this.stripe = stripe;
		this.links = links;
		this.customers = customers;
	}

	/**
	 * A portal session for a customer that has a Stripe customer.
	 * @throws PlangateException {@code no_billing_customer} before its first checkout
	 */
	StripeCheckout.Redirect open(String customerId, String returnUrl) {
		customers.getUndeleted(customerId);
		var link = links.find(customerId)
			.orElseThrow(() -> new PlangateException(ErrorCode.NO_BILLING_CUSTOMER,
					"Customer '" + customerId + "' has no Stripe customer yet: it gets one with its first checkout")
				.with("customerId", customerId));
		var params = SessionCreateParams.builder().setCustomer(link.stripeCustomerId()).setReturnUrl(returnUrl).build();
		var session = stripe.call("open the customer portal",
				client -> client.v1().billingPortal().sessions().create(params));
		return new StripeCheckout.Redirect(session.getId(), session.getUrl(), null);
	}

}

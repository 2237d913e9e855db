package dev.plangate.billing;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.checkout.SessionCreateParams;

import dev.plangate.catalog.CatalogService;
import dev.plangate.customer.Customer;
import dev.plangate.customer.CustomerService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.SubscriptionService;

/**
 * Stripe Checkout: a page at Stripe where a customer pays to subscribe to a plan. The
 * subscription itself changes only when Stripe's webhook says the payment went through,
 * never on the customer's return.
 */
@Service
class StripeCheckout {

	private final StripeApi stripe;

	private final BillingCustomerRepository links;

	private final CustomerService customers;

	private final CatalogService catalog;

	private final SubscriptionService subscriptions;

	private final Clock clock;

	StripeCheckout(StripeApi stripe, BillingCustomerRepository links, CustomerService customers, CatalogService catalog,
			SubscriptionService subscriptions, Clock clock) {
		this.stripe = stripe;
		this.links = links;
		this.customers = customers;
		this.catalog = catalog;
		this.subscriptions = subscriptions;
		this.clock = clock;
	}

	/**
	 * A page at Stripe to send the customer to, and until when it can be used.
	 *
	 * @param expiresAt absent when Stripe sets no end
	 */
	record Redirect(String id, String url, @Nullable Instant expiresAt) {
	}

	/**
	 * A Checkout Session subscribing a customer to a plan: its current version's Stripe
	 * price, with the plan's trial when the customer never had it.
	 */
	Redirect checkout(String customerId, String planKey, String successUrl, String cancelUrl, boolean promotionCodes) {
		var customer = customers.getUndeleted(customerId);
		var plan = catalog.choosablePlan(planKey, "plan");
		var price = plan.definition().stripePrice();
		if (plan.definition().price() == 0 || price == null) {
			throw new PlangateException(ErrorCode.PLAN_NOT_FOR_SALE,
					"Plan '" + plan.key()
							+ "' is free: move the customer to it with POST /v1/customers/{id}/subscription",
					List.of(new FieldError("plan", "a free plan is not paid for")))
				.with("plan", plan.key());
		}
		var paying = links.find(customerId).map(BillingCustomerRepository.Link::stripeSubscriptionId).orElse(null);
		if (paying != null) {
			// a second subscription would bill the customer twice
			throw new PlangateException(ErrorCode.ALREADY_SUBSCRIBED,
					"Customer '" + customerId + "' already pays through Stripe subscription " + paying
							+ ": change its plan with POST /v1/customers/{id}/subscription or in the billing portal")
				.with("customerId", customerId);
		}
		var stripeCustomer = stripeCustomer(customer);
		var subscriptionData = SessionCreateParams.SubscriptionData.builder()
			.putMetadata(StripeSubscriptions.CUSTOMER_METADATA, customerId);
		if (subscriptions.wouldTrial(customerId, plan)) {
			subscriptionData.setTrialPeriodDays((long) plan.definition().trialDays());
		}
		var params = SessionCreateParams.builder()
			.setMode(SessionCreateParams.Mode.SUBSCRIPTION)
			.addLineItem(SessionCreateParams.LineItem.builder().setPrice(price).setQuantity(1L).build())
			.setSuccessUrl(successUrl)
			.setCancelUrl(cancelUrl)
			.setClientReferenceId(customerId)
			.setCustomer(stripeCustomer)
			.setSubscriptionData(subscriptionData.build())
			.setAllowPromotionCodes(promotionCodes)
			.putMetadata(StripeSubscriptions.CUSTOMER_METADATA, customerId)
			.build();
		var session = stripe.call("start a checkout", client -> client.v1().checkout().sessions().create(params));
		return new Redirect(session.getId(), session.getUrl(),
				session.getExpiresAt() == null ? null : Instant.ofEpochSecond(session.getExpiresAt()));
	}

	/**
	 * The customer's Stripe customer, made on its first checkout. Made with an
	 * idempotency key of the customer's, so that two checkouts at once make one.
	 */
	private String stripeCustomer(Customer customer) {
		var linked = links.find(customer.id());
		if (linked.isPresent()) {
			return linked.get().stripeCustomerId();
		}
		var params = CustomerCreateParams.builder().putMetadata(StripeSubscriptions.CUSTOMER_METADATA, customer.id());
		if (customer.email() != null) {
			params.setEmail(customer.email());
		}
		if (customer.name() != null) {
			params.setName(customer.name());
		}
		var options = RequestOptions.builder().setIdempotencyKey("plangate-customer-" + customer.id()).build();
		var created = stripe.call("create the customer",
				client -> client.v1().customers().create(params.build(), options));
		links.link(customer.id(), created.getId(), null, clock.instant());
		return links.find(customer.id()).orElseThrow().stripeCustomerId();
	}

}

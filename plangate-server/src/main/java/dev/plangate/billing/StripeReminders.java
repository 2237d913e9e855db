package dev.plangate.billing;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Currency;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;

import com.stripe.model.Event;
import com.stripe.model.Invoice;
import com.stripe.model.Subscription;

import dev.plangate.catalog.CatalogService;
import dev.plangate.customer.Customer;
import dev.plangate.customer.CustomerService;
import dev.plangate.notify.MailOutbox;
import dev.plangate.platform.OutboundEvent;
import dev.plangate.subscription.SubscriptionService;
import dev.plangate.subscription.SubscriptionView;

/**
 * Stripe's notices ahead of a charge, mailed to the customer's address through the
 * outbox, in the processing transaction (so a failed or repeated event mails nothing
 * more): a trial about to end ({@code trial-will-end}) and an invoice about to be charged
 * ({@code invoice-upcoming}).
 */
@Component
class StripeReminders {

	static final String TRIAL_WILL_END = "customer.subscription.trial_will_end";

	static final String INVOICE_UPCOMING = "invoice.upcoming";

	private final BillingCustomerRepository links;

	private final CustomerService customers;

	private final CatalogService catalog;

	private final MailOutbox mail;

	private final SubscriptionService subscriptions;

	private final ApplicationEventPublisher events;

	StripeReminders(BillingCustomerRepository links, CustomerService customers, CatalogService catalog, MailOutbox mail,
			SubscriptionService subscriptions, ApplicationEventPublisher events) {
		this.subscriptions = subscriptions;
		this.events = events;
		this.links = links;
		this.customers = customers;
		this.catalog = catalog;
		this.mail = mail;
	}

	/** Whether the event is one of these notices. */
	static boolean handles(Event event) {
		return TRIAL_WILL_END.equals(event.getType()) || INVOICE_UPCOMING.equals(event.getType());
	}

	/** Mails the notice, inside the caller's transaction. */
	StripeSubscriptions.Outcome apply(Event event) {
		var object = StripeSubscriptions.object(event);
		if (object instanceof Subscription subscription && TRIAL_WILL_END.equals(event.getType())) {
			return trialWillEnd(subscription);
		}
		if (object instanceof Invoice invoice && INVOICE_UPCOMING.equals(event.getType())) {
			return invoiceUpcoming(invoice);
		}
		return StripeSubscriptions.Outcome.ignored("The " + event.getType() + " event's object could not be read");
	}

	private StripeSubscriptions.Outcome trialWillEnd(Subscription subscription) {
		if (subscription.getTrialEnd() == null) {
			return StripeSubscriptions.Outcome.ignored("Subscription " + subscription.getId() + " has no trial end");
		}
		var customerId = links.customerOf(subscription.getCustomer())
			.orElse(subscription.getMetadata() == null ? null
					: subscription.getMetadata().get(StripeSubscriptions.CUSTOMER_METADATA));
		var customer = customerId == null ? null : customers.find(customerId).orElse(null);
		if (customer == null) {
			return StripeSubscriptions.Outcome
				.ignored("Stripe customer " + subscription.getCustomer() + " is no Plangate customer");
		}
		var trialEnd = Instant.ofEpochSecond(subscription.getTrialEnd());
		events.publishEvent(new OutboundEvent("subscription.trial_ending", customer.id(),
				new TrialEnding(subscriptions.view(customer.id()), trialEnd)));
		var email = customer.email();
		if (email == null || email.isBlank()) {
			return new StripeSubscriptions.Outcome(true, "The trial of customer '" + customer.id() + "' ends at "
					+ trialEnd + "; it has no email address to send the notice to");
		}
		String plan = "your plan";
		if (subscription.getItems() != null && subscription.getItems().getData() != null) {
			for (var item : subscription.getItems().getData()) {
				var price = item.getPrice() == null ? null : item.getPrice().getId();
				var found = price == null ? null : catalog.planVersionByStripePrice(price).orElse(null);
				if (found != null) {
					plan = found.definition().name();
					break;
				}
			}
		}
		mail.send(email, "trial-will-end", Map.of("name", name(customer), "plan", plan, "trialEndsOn",
				trialEnd.atOffset(ZoneOffset.UTC).toLocalDate().toString()));
		return new StripeSubscriptions.Outcome(true,
				"Customer '" + customer.id() + "' was mailed that its trial of " + plan + " ends at " + trialEnd);
	}

	private StripeSubscriptions.Outcome invoiceUpcoming(Invoice invoice) {
		if (invoice.getCustomer() == null) {
			return StripeSubscriptions.Outcome.ignored("The upcoming invoice names no Stripe customer");
		}
		var customer = links.customerOf(invoice.getCustomer()).flatMap(customers::find).orElse(null);
		if (customer == null) {
			return StripeSubscriptions.Outcome
				.ignored("Stripe customer " + invoice.getCustomer() + " is no Plangate customer");
		}
		var email = customer.email();
		if (email == null || email.isBlank()) {
			return noAddress(customer);
		}
		var amount = amount(invoice.getAmountDue() != null ? invoice.getAmountDue() : invoice.getTotal(),
				invoice.getCurrency());
		var at = invoice.getNextPaymentAttempt() != null ? invoice.getNextPaymentAttempt()
				: invoice.getDueDate() != null ? invoice.getDueDate() : invoice.getPeriodEnd();
		var paymentAt = at == null ? null : Instant.ofEpochSecond(at);
		var paymentOn = paymentAt == null ? "the start of your next period"
				: paymentAt.atOffset(ZoneOffset.UTC).toLocalDate().toString();
		mail.send(email, "invoice-upcoming", Map.of("name", name(customer), "amount", amount, "paymentOn", paymentOn));
		return new StripeSubscriptions.Outcome(true,
				"Customer '" + customer.id() + "' was mailed that " + amount + " will be charged on " + paymentOn);
	}

	/**
	 * What {@code subscription.trial_ending} carries.
	 *
	 * @param trialEndsAt when the payment provider ends the trial
	 */
	record TrialEnding(SubscriptionView subscription, Instant trialEndsAt) {
	}

	private static StripeSubscriptions.Outcome noAddress(Customer customer) {
		return StripeSubscriptions.Outcome
			.ignored("Customer '" + customer.id() + "' has no email address to send the notice to");
	}

	private static String name(Customer customer) {
		return customer.name() == null || customer.name().isBlank() ? customer.id() : customer.name();
	}

	/** Minor units as an amount, such as {@code 99.00 USD}. */
	static String amount(@Nullable Long minor, @Nullable String currency) {
		var code = currency == null ? "" : currency.toUpperCase(Locale.ROOT);
		int digits = 2;
		try {
			digits = Math.max(0, Currency.getInstance(code).getDefaultFractionDigits());
		}
		catch (IllegalArgumentException ex) {
			// a currency Java does not know: two decimals, as most
		}
		return BigDecimal.valueOf(minor == null ? 0 : minor, digits).toPlainString()
				+ (code.isEmpty() ? "" : " " + code);
	}

}

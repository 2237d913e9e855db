package dev.plangate.billing;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.model.Event;
import com.stripe.model.Invoice;
import com.stripe.model.StripeObject;
import com.stripe.model.Subscription;
import com.stripe.model.SubscriptionItem;
import com.stripe.model.checkout.Session;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.Plan;
import dev.plangate.customer.CustomerService;
import dev.plangate.subscription.SubscriptionService;
import dev.plangate.subscription.SubscriptionStatus;

/**
 * What Stripe's events do to Plangate's customers: a completed checkout links a customer
 * to its Stripe customer, a Stripe subscription created, changed or deleted (by a
 * checkout, the customer portal or the Stripe dashboard) moves the customer's
 * subscription to the plan, status and period Stripe says, and invoice events mirror the
 * invoice.
 */
@Component
class StripeSubscriptions {

	/** The metadata key naming the Plangate customer on Stripe objects. */
	static final String CUSTOMER_METADATA = "plangate_customer_id";

	private final BillingCustomerRepository links;

	private final CatalogService catalog;

	private final CustomerService customers;

	private final SubscriptionService subscriptions;

	private final StripeInvoices invoices;

	private final Clock clock;

	StripeSubscriptions(BillingCustomerRepository links, CatalogService catalog, CustomerService customers,
			SubscriptionService subscriptions, StripeInvoices invoices, Clock clock) {
		this.links = links;
		this.invoices = invoices;
		this.clock = clock;
		this.catalog = catalog;
		this.customers = customers;
		this.subscriptions = subscriptions;
	}

	/**
	 * @param applied false when the event changed nothing, for the reason in detail
	 */
	record Outcome(boolean applied, @Nullable String detail) {

		static Outcome ignored(String why) {
			return new Outcome(false, why);
		}

	}

	/** Applies an event, inside the caller's transaction. */
	Outcome apply(Event event) {
		return switch (event.getType()) {
			case "checkout.session.completed" ->
				object(event) instanceof Session session ? checkoutCompleted(session, event) : unreadable(event);
			case "customer.subscription.created", "customer.subscription.updated" ->
				object(event) instanceof Subscription subscription ? subscriptionChanged(subscription, event, false)
						: unreadable(event);
			case "customer.subscription.deleted" -> object(event) instanceof Subscription subscription
					? subscriptionChanged(subscription, event, true) : unreadable(event);
			case "invoice.created", "invoice.finalized", "invoice.updated", "invoice.payment_failed",
					"invoice.payment_succeeded", "invoice.voided", "invoice.marked_uncollectible" ->
				object(event) instanceof Invoice invoice ? invoices.apply(event, invoice) : unreadable(event);
			case "invoice.paid" ->
				object(event) instanceof Invoice invoice ? invoices.paid(event, invoice) : unreadable(event);
			default -> Outcome.ignored("Plangate does not act on " + event.getType() + " events");
		};
	}

	private Outcome checkoutCompleted(Session session, Event event) {
		if (!"subscription".equals(session.getMode())) {
			return Outcome.ignored("A checkout in " + session.getMode() + " mode starts no subscription");
		}
		var customerId = session.getClientReferenceId() != null ? session.getClientReferenceId()
				: metadata(session.getMetadata());
		if (customerId == null || session.getCustomer() == null) {
			return Outcome.ignored("The checkout names no Plangate customer (client_reference_id or metadata "
					+ CUSTOMER_METADATA + ") or no Stripe customer");
		}
		var refused = link(customerId, session.getCustomer(), session.getSubscription());
		if (refused != null) {
			return refused;
		}
		return new Outcome(true, "Customer '" + customerId + "' is Stripe customer " + session.getCustomer());
	}

	private Outcome subscriptionChanged(Subscription subscription, Event event, boolean deleted) {
		var stripeCustomer = subscription.getCustomer();
		var customerId = links.customerOf(stripeCustomer).orElse(metadata(subscription.getMetadata()));
		if (customerId == null) {
			return Outcome.ignored("Stripe customer " + stripeCustomer + " is no Plangate customer: check out through "
					+ "Plangate, or set metadata " + CUSTOMER_METADATA + " on the subscription");
		}
		var created = Instant.ofEpochSecond(event.getCreated());
		var existing = links.lock(customerId);
		if (existing.isPresent() && existing.get().stateAt() != null && created.isBefore(existing.get().stateAt())) {
			return Outcome.ignored("Stripe sent a newer state of this subscription before this event");
		}
		var current = existing.map(BillingCustomerRepository.Link::stripeSubscriptionId).orElse(null);
		if (deleted && current != null && !current.equals(subscription.getId())) {
			return Outcome.ignored(
					"Subscription " + subscription.getId() + " is not the customer's current one (" + current + ")");
		}
		// a deleted subscription does not become the customer's current one
		var refused = link(customerId, stripeCustomer, deleted ? null : subscription.getId());
		if (refused != null) {
			return refused;
		}
		links.stateAt(customerId, created);
		var status = subscription.getStatus();
		if (deleted || "canceled".equals(status) || "incomplete_expired".equals(status)) {
			subscriptions.endedByProvider(customerId);
			links.subscriptionEnded(customerId, subscription.getId(), clock.instant());
			return new Outcome(true,
					"Customer '" + customerId + "' is on the default plan: Stripe ended " + subscription.getId());
		}
		if (status == null || subscription.getItems() == null || subscription.getItems().getData() == null) {
			return Outcome.ignored("Subscription " + subscription.getId() + " has no status or items");
		}
		var plangateStatus = switch (status) {
			case "trialing" -> SubscriptionStatus.TRIALING;
			case "active" -> SubscriptionStatus.ACTIVE;
			case "past_due" -> SubscriptionStatus.PAST_DUE;
			case "unpaid" -> SubscriptionStatus.UNPAID;
			case "incomplete" -> SubscriptionStatus.INCOMPLETE;
			default -> null;
		};
		if (plangateStatus == null) {
			return Outcome.ignored("Subscription " + subscription.getId() + " is " + status
					+ ": the customer keeps its plan until Stripe says it goes on");
		}
		SubscriptionItem item = null;
		Plan plan = null;
		for (var candidate : subscription.getItems().getData()) {
			var price = candidate.getPrice() == null ? null : candidate.getPrice().getId();
			var found = price == null ? null : catalog.planVersionByStripePrice(price).orElse(null);
			if (found != null) {
				item = candidate;
				plan = found;
				break;
			}
		}
		if (item == null || plan == null || item.getCurrentPeriodStart() == null
				|| item.getCurrentPeriodEnd() == null) {
			return Outcome.ignored("No item of subscription " + subscription.getId()
					+ " has a price of a plan in the catalog (stripePrice) with its period");
		}
		var periodStart = Instant.ofEpochSecond(item.getCurrentPeriodStart());
		var periodEnd = Instant.ofEpochSecond(item.getCurrentPeriodEnd());
		var anchor = subscription.getBillingCycleAnchor() == null ? periodStart
				: Instant.ofEpochSecond(subscription.getBillingCycleAnchor());
		var trialEnd = subscription.getTrialEnd() == null ? null : Instant.ofEpochSecond(subscription.getTrialEnd());
		boolean cancelAtPeriodEnd = Boolean.TRUE.equals(subscription.getCancelAtPeriodEnd())
				|| (subscription.getCancelAt() != null && subscription.getCancelAt() <= item.getCurrentPeriodEnd());
		var after = subscriptions.follow(customerId, new SubscriptionService.ProviderState(plan, plangateStatus, anchor,
				periodStart, periodEnd, trialEnd, cancelAtPeriodEnd, subscription.getSchedule() != null));
		return new Outcome(true, "Customer '" + customerId + "' is on " + after.planKey() + " v" + after.planVersion()
				+ ", " + after.status().id() + ", as Stripe subscription " + subscription.getId());
	}

	/**
	 * Links a Plangate customer to a Stripe customer; an outcome when it cannot be.
	 */
	private @Nullable Outcome link(String customerId, String stripeCustomer, @Nullable String subscriptionId) {
		if (customers.find(customerId).isEmpty()) {
			return Outcome.ignored("Plangate has no customer '" + customerId + "'");
		}
		var linked = links.customerOf(stripeCustomer).orElse(null);
		if (linked != null && !linked.equals(customerId)) {
			return Outcome.ignored("Stripe customer " + stripeCustomer + " is Plangate customer '" + linked + "', not '"
					+ customerId + "'");
		}
		links.link(customerId, stripeCustomer, subscriptionId, clock.instant());
		return null;
	}

	private static @Nullable String metadata(@Nullable Map<String, String> metadata) {
		return metadata == null ? null : metadata.get(CUSTOMER_METADATA);
	}

	/**
	 * The event's object: as this SDK reads it when Stripe wrote it in the API version
	 * the SDK is pinned to, read leniently otherwise (the fields Plangate reads are in
	 * every recent version).
	 */
	static @Nullable StripeObject object(Event event) {
		var deserializer = event.getDataObjectDeserializer();
		var object = deserializer.getObject();
		if (object.isPresent()) {
			return object.get();
		}
		try {
			return deserializer.deserializeUnsafe();
		}
		catch (EventDataObjectDeserializationException ex) {
			return null;
		}
	}

	private static Outcome unreadable(Event event) {
		return Outcome.ignored("The " + event.getType() + " event's object could not be read");
	}

}

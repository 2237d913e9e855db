package dev.plangate.billing;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import com.stripe.net.RequestOptions;
import com.stripe.param.InvoiceCreateParams;
import com.stripe.param.InvoiceItemCreateParams;

import dev.plangate.customer.CustomerService;
import dev.plangate.metering.MeteringService;
import dev.plangate.metering.PeriodOverage;
import dev.plangate.metering.UsageViews;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.OutboundEvent;
import dev.plangate.platform.Page;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.SubscriptionService;

/**
 * Bills overage once. Every {@code plangate.charges.interval} each node makes a charge
 * for each period that ended (at least {@code plangate.charges.delay} ago) with overage;
 * the charge's unique key makes it once however many nodes race. With Stripe, the node
 * that made it (or, after a failure, whichever node claims it next) sends it as an
 * invoice item whose idempotency key is the charge's id, so Stripe makes it once too.
 */
@Component
class Charges implements SchedulingConfigurer {

	private static final Logger log = LoggerFactory.getLogger(Charges.class);

	/** How far back the job looks for periods with overage: past a yearly period. */
	private static final Duration LOOK_BACK = Duration.ofDays(400);

	/** A node that claimed a charge and did not finish is taken over after this. */
	private static final Duration CLAIM_TIMEOUT = Duration.ofMinutes(2);

	private final ChargeRepository charges;

	private final MeteringService metering;

	private final SubscriptionService subscriptions;

	private final CustomerService customers;

	private final BillingCustomerRepository links;

	private final StripeApi stripe;

	private final BillingSettings billing;

	private final ChargeSettings settings;

	private final Clock clock;

	private final TransactionTemplate transactions;

	private final ApplicationEventPublisher events;

	Charges(ChargeRepository charges, MeteringService metering, SubscriptionService subscriptions,
			CustomerService customers, BillingCustomerRepository links, StripeApi stripe, BillingSettings billing,
			ChargeSettings settings, Clock clock, TransactionTemplate transactions, ApplicationEventPublisher events) {
		this.transactions = transactions;
		this.events = events;
		this.charges = charges;
		this.metering = metering;
		this.subscriptions = subscriptions;
		this.customers = customers;
		this.links = links;
		this.stripe = stripe;
		this.billing = billing;
		this.settings = settings;
		this.clock = clock;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar registrar) {
		registrar.addFixedDelayTask(this::runQuietly, settings.interval());
	}

	private void runQuietly() {
		try {
			run();
		}
		catch (RuntimeException ex) {
			log.warn("Billing overage failed; the next run tries again", ex);
		}
	}

	/**
	 * One run: charges the overage of every ended period not charged yet, then sends what
	 * is pending to Stripe.
	 * @return how many charges this run made
	 */
	int run() {
		var now = clock.instant();
		int made = 0;
		for (var overage : metering.endedOverage(now.minus(LOOK_BACK), settings.delay())) {
			// one period that cannot be charged does not hold up the others
			try {
				if (!charges.exists("overage", overage.customerId(), overage.feature(), overage.periodStart(), "")
						&& Boolean.TRUE.equals(transactions.execute(status -> create(overageCharge(overage))))) {
					made++;
				}
			}
			catch (RuntimeException ex) {
				log.error(
						"The overage of customer '{}' for '{}' in the period from {} could not be charged; the next "
								+ "run tries again",
						overage.customerId(), overage.feature(), overage.periodStart(), ex);
			}
		}
		if (billing.stripe()) {
			for (var charge : charges.pending(100)) {
				try {
					send(charge);
				}
				catch (RuntimeException ex) {
					log.error("Charge {} could not be sent to Stripe; the next run tries again", charge.id(), ex);
				}
			}
		}
		return made;
	}

	/**
	 * Stores a charge and tells the outside world ({@code charge.created}) in one
	 * transaction.
	 * @return false when another node made it first
	 */
	private boolean create(ChargeView charge) {
		if (!charges.insert(charge)) {
			return false;
		}
		events.publishEvent(new OutboundEvent("charge.created", charge.customerId(), charge.forCustomer()));
		return true;
	}

	/**
	 * The charge of a period's overage, at the overage price of the last plan version the
	 * customer held in the period that priced it (with its override of today): overage is
	 * only admitted under such a price, so a downgrade or cancellation during the period
	 * or at its end does not lose the period's overage.
	 */
	private ChargeView overageCharge(PeriodOverage overage) {
		var heldInPeriod = subscriptions.entitlementsHeld(overage.customerId(), overage.feature(),
				overage.periodStart(), overage.periodEnd());
		var held = heldInPeriod.get(heldInPeriod.size() - 1);
		for (var entitlement : heldInPeriod) {
			if (entitlement.value().overage() != null) {
				held = entitlement;
			}
		}
		var price = held.value().overage();
		long amount = price == null ? 0 : UsageViews.cost(overage.units(), price.price(), price.per());
		if (price == null) {
			log.warn(
					"Customer '{}' used {} '{}' as overage in the period from {}, but the plan it held then has no "
							+ "overage price now: charged 0",
					overage.customerId(), overage.units(), overage.feature(), overage.periodStart());
		}
		var now = clock.instant();
		return new ChargeView(UUID.randomUUID(), "overage", overage.customerId(), overage.feature(),
				overage.periodStart(), overage.periodEnd(), null, overage.units(), amount,
				held.plan().definition().currency(), billing.stripe() ? "pending" : "recorded",
				price == null ? null : price.stripePrice(), null, null, null, now, now);
	}

	/**
	 * Sends a pending overage charge to Stripe as an invoice item of the customer's
	 * Stripe customer, unless another node is sending it.
	 */
	private void send(ChargeView charge) {
		var now = clock.instant();
		if (!"overage".equals(charge.kind()) || !charges.claim(charge.id(), now, now.minus(CLAIM_TIMEOUT))) {
			return;
		}
		var link = links.find(charge.customerId());
		if (link.isEmpty() || charge.stripePrice() == null) {
			charges.sent(charge.id(), "failed", null, null,
					link.isEmpty() ? "the customer has no Stripe customer" : "the overage has no stripePrice", now);
			return;
		}
		var params = InvoiceItemCreateParams.builder()
			.setCustomer(link.get().stripeCustomerId())
			.setPricing(InvoiceItemCreateParams.Pricing.builder().setPrice(charge.stripePrice()).build())
			.setQuantity(charge.quantity())
			.setDescription("Overage of '" + charge.feature() + "' from " + charge.periodStart())
			.putMetadata("plangate_charge_id", charge.id().toString())
			.putMetadata(StripeSubscriptions.CUSTOMER_METADATA, charge.customerId())
			.build();
		var options = RequestOptions.builder().setIdempotencyKey("plangate-charge-" + charge.id()).build();
		try {
			var item = stripe.call("bill overage", client -> client.v1().invoiceItems().create(params, options));
			String invoiceId = null;
			if (link.get().stripeSubscriptionId() == null) {
				// no subscription renews to carry the item: an invoice of its own takes
				// it
				invoiceId = invoiceNow(charge, link.get().stripeCustomerId());
			}
			charges.sent(charge.id(), "invoiced", item.getId(), invoiceId, null, clock.instant());
		}
		catch (PlangateException ex) {
			if (ex.code() == ErrorCode.PAYMENT_PROVIDER_REFUSED) {
				charges.sent(charge.id(), "failed", null, null, shortened(ex.getMessage()), clock.instant());
			}
			// unreachable: the claim times out and a later run sends it again, under the
			// same idempotency key
		}
	}

	/**
	 * An invoice of the customer's pending items, collected by Stripe: for a customer
	 * whose Stripe subscription ended, whose next invoice would never come.
	 */
	private String invoiceNow(ChargeView charge, String stripeCustomer) {
		var params = InvoiceCreateParams.builder()
			.setCustomer(stripeCustomer)
			.setCollectionMethod(InvoiceCreateParams.CollectionMethod.CHARGE_AUTOMATICALLY)
			.setAutoAdvance(true)
			.setPendingInvoiceItemsBehavior(InvoiceCreateParams.PendingInvoiceItemsBehavior.INCLUDE)
			.setDescription("Overage of '" + charge.feature() + "' from " + charge.periodStart())
			.putMetadata("plangate_charge_id", charge.id().toString())
			.putMetadata(StripeSubscriptions.CUSTOMER_METADATA, charge.customerId())
			.build();
		var options = RequestOptions.builder().setIdempotencyKey("plangate-charge-invoice-" + charge.id()).build();
		return stripe.call("invoice overage", client -> client.v1().invoices().create(params, options)).getId();
	}

	private static String shortened(@Nullable String text) {
		var message = text == null ? "Stripe refused it" : text;
		return message.length() <= 500 ? message : message.substring(0, 497) + "...";
	}

	/** A customer's charges, newest first. */
	Page<ChargeView> list(String customerId, @Nullable String cursor, int limit) {
		customers.get(customerId);
		var page = charges.list(customerId, cursor, limit + 1);
		if (page.size() <= limit) {
			return Page.of(page);
		}
		var shown = page.subList(0, limit);
		return new Page<>(shown, shown.get(limit - 1).id().toString());
	}

}

package dev.plangate.billing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import com.stripe.exception.InvalidRequestException;
import com.stripe.model.Price;

import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.Plan;

/**
 * Compares the Stripe price of every version of the active plans with what the catalog
 * says the plan costs: a price changed in Stripe, or made for another amount, currency or
 * interval, bills customers other than Plangate shows.
 */
@Component
class StripePrices {

	private final BillingSettings billing;

	private final StripeApi stripe;

	private final CatalogService catalog;

	StripePrices(BillingSettings billing, StripeApi stripe, CatalogService catalog) {
		this.billing = billing;
		this.stripe = stripe;
		this.catalog = catalog;
	}

	/**
	 * One difference between a plan version and its Stripe price.
	 *
	 * @param field {@code price} (Stripe has no such price), {@code active},
	 * {@code amount}, {@code currency}, {@code interval} or {@code intervalCount}
	 * @param expected what the catalog says
	 * @param actual what Stripe says; none when Stripe has no such price or value
	 */
	record Mismatch(String field, String expected, @Nullable String actual) {
	}

	/**
	 * A plan version and its Stripe price.
	 *
	 * @param status {@code ok}, or {@code mismatch} with the differences in
	 * {@code mismatches}
	 */
	record PriceCheck(String plan, int version, boolean current, String stripePrice, String status,
			@Nullable List<Mismatch> mismatches) {
	}

	/**
	 * Every plan version with a Stripe price, checked.
	 *
	 * @param status {@code ok} when every price matches, else {@code mismatch}
	 */
	record PriceChecks(String status, List<PriceCheck> plans) {
	}

	/**
	 * @throws dev.plangate.platform.PlangateException {@code billing_provider_disabled}
	 * without Stripe, {@code payment_provider_unavailable} when Stripe cannot be reached,
	 * {@code payment_provider_refused} when it refuses (a key without read access to
	 * prices)
	 */
	PriceChecks check() {
		if (!billing.stripe()) {
			throw StripeApi.disabled(billing);
		}
		var checks = new ArrayList<PriceCheck>();
		for (var current : catalog.plans()) {
			if (!current.isActive()) {
				continue;
			}
			for (var version : catalog.planVersions(current.key())) {
				var priceId = version.definition().stripePrice();
				if (priceId != null) {
					checks.add(check(version, version.current(), priceId));
				}
			}
		}
		boolean ok = checks.stream().allMatch(c -> c.mismatches() == null);
		return new PriceChecks(ok ? "ok" : "mismatch", checks);
	}

	private PriceCheck check(Plan plan, boolean current, String priceId) {
		var price = stripe.call("read price " + priceId, client -> {
			try {
				return Optional.of(client.v1().prices().retrieve(priceId));
			}
			catch (InvalidRequestException ex) {
				if (Integer.valueOf(404).equals(ex.getStatusCode())) {
					return Optional.<Price>empty();
				}
				throw ex;
			}
		});
		var mismatches = price.map(p -> mismatches(plan, p)).orElse(List.of(new Mismatch("price", priceId, null)));
		return new PriceCheck(plan.key(), plan.version(), current, priceId, mismatches.isEmpty() ? "ok" : "mismatch",
				mismatches.isEmpty() ? null : mismatches);
	}

	private static List<Mismatch> mismatches(Plan plan, Price price) {
		var definition = plan.definition();
		var found = new ArrayList<Mismatch>();
		if (!Boolean.TRUE.equals(price.getActive())) {
			found.add(new Mismatch("active", "true", String.valueOf(price.getActive())));
		}
		if (price.getUnitAmount() == null || price.getUnitAmount() != definition.price()) {
			found.add(new Mismatch("amount", String.valueOf(definition.price()),
					price.getUnitAmount() == null ? null : String.valueOf(price.getUnitAmount())));
		}
		var currency = price.getCurrency() == null ? null : price.getCurrency().toUpperCase(Locale.ROOT);
		if (!definition.currency().equalsIgnoreCase(String.valueOf(currency))) {
			found.add(new Mismatch("currency", definition.currency(), currency));
		}
		var recurring = price.getRecurring();
		var interval = recurring == null ? null : recurring.getInterval();
		if (!definition.interval().id().equals(interval)) {
			found.add(new Mismatch("interval", definition.interval().id(), interval));
		}
		if (recurring != null && recurring.getIntervalCount() != null && recurring.getIntervalCount() != 1) {
			found.add(new Mismatch("intervalCount", "1", String.valueOf(recurring.getIntervalCount())));
		}
		return found;
	}

}

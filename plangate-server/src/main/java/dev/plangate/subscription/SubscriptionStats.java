package dev.plangate.subscription;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.springframework.stereotype.Service;

import dev.plangate.catalog.BillingInterval;
import dev.plangate.catalog.CatalogService;

/**
 * The back office's figures about subscriptions: how many there are per plan and status,
 * and the monthly recurring revenue their plans' catalog prices make.
 */
@Service
public class SubscriptionStats {

	private static final BigDecimal MONTHS_A_YEAR = BigDecimal.valueOf(12);

	private final SubscriptionRepository repository;

	private final CatalogService catalog;

	private final Clock clock;

	SubscriptionStats(SubscriptionRepository repository, CatalogService catalog, Clock clock) {
		this.repository = repository;
		this.catalog = catalog;
		this.clock = clock;
	}

	/**
	 * @param at when the figures were read
	 * @param statuses subscriptions (of customers not deleted) per status, every status
	 * named, 0 included
	 * @param plans per plan, by key
	 * @param monthlyRecurringRevenue per currency, in minor units, most first
	 */
	public record SubscriptionFigures(Instant at, long subscriptions, Map<String, Long> statuses,
			List<PlanFigures> plans, List<Revenue> monthlyRecurringRevenue) {
	}

	/**
	 * One plan's subscriptions by status and the revenue they make a month.
	 *
	 * @param name the plan's current name
	 */
	public record PlanFigures(String plan, String name, long subscriptions, Map<String, Long> statuses,
			List<Revenue> monthlyRecurringRevenue) {
	}

	/** An amount in the currency's minor units (cents). */
	public record Revenue(String currency, long amount) {
	}

	/**
	 * The monthly recurring revenue counts the subscriptions that pay: active and past
	 * due (not trialing, unpaid, canceled or incomplete), each at the catalog price of
	 * the plan version it is on, a yearly price as a twelfth.
	 */
	public SubscriptionFigures now() {
		var statuses = new LinkedHashMap<String, Long>();
		for (var status : SubscriptionStatus.values()) {
			statuses.put(status.id(), 0L);
		}
		var perPlan = new TreeMap<String, Map<String, Long>>();
		var revenuePerPlan = new TreeMap<String, Map<String, BigDecimal>>();
		var revenue = new TreeMap<String, BigDecimal>();
		long total = 0;
		for (var count : repository.countByPlanVersionAndStatus()) {
			total += count.subscriptions();
			statuses.merge(count.status().id(), count.subscriptions(), Long::sum);
			perPlan.computeIfAbsent(count.plan(), key -> new LinkedHashMap<>())
				.merge(count.status().id(), count.subscriptions(), Long::sum);
			if (count.status() == SubscriptionStatus.ACTIVE || count.status() == SubscriptionStatus.PAST_DUE) {
				var definition = catalog.planVersion(count.plan(), count.version()).definition();
				var monthly = BigDecimal.valueOf(definition.price())
					.multiply(BigDecimal.valueOf(count.subscriptions()));
				if (definition.interval() == BillingInterval.YEAR) {
					monthly = monthly.divide(MONTHS_A_YEAR, 6, RoundingMode.HALF_EVEN);
				}
				if (monthly.signum() > 0) {
					revenue.merge(definition.currency(), monthly, BigDecimal::add);
					revenuePerPlan.computeIfAbsent(count.plan(), key -> new TreeMap<>())
						.merge(definition.currency(), monthly, BigDecimal::add);
				}
			}
		}
		var plans = new ArrayList<PlanFigures>();
		perPlan.forEach((plan, counts) -> plans
			.add(new PlanFigures(plan, name(plan), counts.values().stream().mapToLong(Long::longValue).sum(), counts,
					revenues(revenuePerPlan.getOrDefault(plan, Map.of())))));
		return new SubscriptionFigures(clock.instant(), total, statuses, plans, revenues(revenue));
	}

	/**
	 * The live subscriptions (trialing, active, past due: those a migration moves) of
	 * each version of each plan, of customers not deleted; a version without any is left
	 * out.
	 */
	public Map<String, Map<Integer, Long>> subscribersByVersion() {
		var counts = new TreeMap<String, Map<Integer, Long>>();
		for (var count : repository.countByPlanVersionAndStatus()) {
			if (count.status() == SubscriptionStatus.TRIALING || count.status() == SubscriptionStatus.ACTIVE
					|| count.status() == SubscriptionStatus.PAST_DUE) {
				counts.computeIfAbsent(count.plan(), key -> new TreeMap<>())
					.merge(count.version(), count.subscriptions(), Long::sum);
			}
		}
		return counts;
	}

	private String name(String plan) {
		return catalog.findPlan(plan).map(p -> p.definition().name()).orElse(plan);
	}

	private static List<Revenue> revenues(Map<String, BigDecimal> amounts) {
		var list = new ArrayList<Revenue>();
		amounts.forEach((currency, amount) -> list
			.add(new Revenue(currency, amount.setScale(0, RoundingMode.HALF_EVEN).longValueExact())));
		list.sort((a, b) -> Long.compare(b.amount(), a.amount()));
		return list;
	}

}

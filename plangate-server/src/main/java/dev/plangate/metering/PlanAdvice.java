package dev.plangate.metering;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.plangate.catalog.EntitlementView;
import dev.plangate.catalog.Feature;
import dev.plangate.catalog.Plan;
import dev.plangate.catalog.PlanView;
import dev.plangate.subscription.SubscriptionService;

/**
 * The plan a usage view recommends: the cheapest active plan whose limits fit what each
 * quota needs. A quota needs its projection, or what it used when it has none (a lifetime
 * quota, or too little data). Plans are compared with the current plan at its billing
 * interval (free plans at any); a plan fits a quota when it has no limit for it or one at
 * least the need; an override of the customer is kept on every plan. Overage allowances
 * do not count: a plan fits when the allowance itself does. Nothing is recommended when
 * the current plan fits and no cheaper plan does, or when no plan fits; a cheaper plan (a
 * downgrade) only once every quota with a period end has a projection, so that the first
 * days of a period do not make every plan look big enough.
 */
final class PlanAdvice {

	private PlanAdvice() {
	}

	/**
	 * One quota's need and the customer's effective grant of it.
	 *
	 * @param amount the projection, or what is used when there is none
	 * @param projected whether {@code amount} is a projection
	 * @param known whether {@code amount} is what the period will need: a projection, or
	 * what a lifetime quota uses
	 */
	record Need(Feature feature, long amount, boolean projected, boolean known, EntitlementView current) {
	}

	static UsageView.@Nullable RecommendedPlan recommend(Plan current, List<Plan> plans, List<Need> needs) {
		boolean currentFits = needs.stream().allMatch(n -> fits(n.amount(), n.current()));
		boolean complete = needs.stream().allMatch(Need::known);
		long currentPrice = current.definition().price();
		var candidates = plans.stream()
			.filter(Plan::isActive)
			.filter(p -> !p.key().equals(current.key()))
			.filter(p -> p.definition().price() == 0 || p.definition().interval() == current.definition().interval())
			.sorted(Comparator.comparingLong((Plan p) -> p.definition().price()).thenComparing(Plan::key))
			.toList();
		for (var plan : candidates) {
			if (currentFits && (plan.definition().price() >= currentPrice || !complete)) {
				return null;
			}
			if (needs.stream().allMatch(n -> fits(n.amount(), on(plan, n)))) {
				long price = plan.definition().price();
				String change = price > currentPrice ? "upgrade" : price < currentPrice ? "downgrade" : "switch";
				return new UsageView.RecommendedPlan(plan.key(), plan.definition().name(), change,
						currentFits ? downgradeReason(current, plan, needs) : upgradeReason(current, plan, needs),
						new PlanView.Price(price, plan.definition().currency()), plan.definition().interval().id());
			}
		}
		return null;
	}

	/** The grant of a need's feature on {@code plan}: the customer's override, if any. */
	private static EntitlementView on(Plan plan, Need need) {
		if ("override".equals(need.current().source())) {
			return need.current();
		}
		return SubscriptionService.effective(need.feature(), null, plan);
	}

	private static boolean fits(long amount, EntitlementView grant) {
		return amount == 0 || grant.unlimited() || (grant.limit() != null && amount <= grant.limit());
	}

	/** The features the current plan does not fit, with what the new plan allows. */
	private static String upgradeReason(Plan current, Plan plan, List<Need> needs) {
		var parts = new ArrayList<String>();
		for (var need : needs) {
			if (!fits(need.amount(), need.current())) {
				parts.add((need.projected() ? "projected " : "used ") + number(need.amount()) + " of "
						+ limit(need.current()) + " " + need.feature().key() + " on " + current.key() + "; "
						+ plan.key() + " allows " + limit(on(plan, need)));
			}
		}
		return String.join("; ", parts);
	}

	/** The features that bind on the cheaper plan: those used with a limit there. */
	private static String downgradeReason(Plan current, Plan plan, List<Need> needs) {
		var parts = new ArrayList<String>();
		for (var need : needs) {
			var grant = on(plan, need);
			if (!grant.unlimited() && need.amount() > 0) {
				parts.add((need.projected() ? "projected " : "used ") + number(need.amount()) + " of " + limit(grant)
						+ " " + need.feature().key());
			}
		}
		return plan.key() + " costs less than " + current.key() + " and fits"
				+ (parts.isEmpty() ? "" : ": " + String.join(", ", parts));
	}

	private static String limit(EntitlementView grant) {
		return grant.unlimited() ? "unlimited" : number(grant.limit() == null ? 0 : grant.limit());
	}

	private static String number(long value) {
		return String.format(Locale.ROOT, "%,d", value);
	}

}

package dev.plangate.console;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;

import dev.plangate.catalog.Feature;
import dev.plangate.catalog.Plan;

/**
 * Two versions of a plan side by side: each of the plan's fields and each feature either
 * grants, with what changed between them said in words (added, removed, changed, same),
 * not by colour alone.
 *
 * @param left the version on the left, usually the older one
 * @param right the version on the right
 */
record PlanDiff(Plan left, Plan right, List<Row> plan, List<Row> entitlements) {

	/** How one row differs from the left version to the right one. */
	enum Change {

		ADDED("Added", "+"), REMOVED("Removed", "−"), CHANGED("Changed", "~"), SAME("Same", "=");

		private final String label;

		private final String sign;

		Change(String label, String sign) {
			this.label = label;
			this.sign = sign;
		}

		public String label() {
			return label;
		}

		public String sign() {
			return sign;
		}

		public String id() {
			return name().toLowerCase(java.util.Locale.ROOT);
		}

		static Change of(@Nullable String before, @Nullable String after) {
			if (Objects.equals(before, after)) {
				return SAME;
			}
			return before == null ? ADDED : after == null ? REMOVED : CHANGED;
		}

	}

	/**
	 * @param key the feature's key, for an entitlement
	 * @param before absent when the left version has no such field or does not list the
	 * feature
	 */
	record Row(String label, @Nullable String key, @Nullable String before, @Nullable String after, Change change) {
	}

	static PlanDiff of(Plan left, Plan right, Map<String, Feature> features, PlanTexts texts) {
		var a = left.definition();
		var b = right.definition();
		var plan = new ArrayList<Row>();
		plan.add(row("Name", null, a.name(), b.name()));
		plan.add(row("Description", null, a.description(), b.description()));
		plan.add(row("Price", null, texts.price(a), texts.price(b)));
		plan.add(row("Trial days", null, String.valueOf(a.trialDays()), String.valueOf(b.trialDays())));
		plan.add(row("Queue priority", null, String.valueOf(a.queuePriority()), String.valueOf(b.queuePriority())));
		plan.add(row("Rate multiplier", null, a.rateMultiplier().toPlainString(), b.rateMultiplier().toPlainString()));
		plan.add(row("Stripe price", null, a.stripePrice(), b.stripePrice()));
		var entitlements = new ArrayList<Row>();
		var keys = new TreeSet<String>(a.entitlements().keySet());
		keys.addAll(b.entitlements().keySet());
		for (var key : keys) {
			var feature = features.get(key);
			if (feature == null) {
				continue;
			}
			var before = a.entitlements().get(key);
			var after = b.entitlements().get(key);
			entitlements
				.add(row(feature.name(), key, before == null ? null : texts.grant(before, feature, a.currency()),
						after == null ? null : texts.grant(after, feature, b.currency())));
		}
		return new PlanDiff(left, right, plan, entitlements);
	}

	private static Row row(String label, @Nullable String key, @Nullable String before, @Nullable String after) {
		return new Row(label, key, before, after, Change.of(before, after));
	}

	/** How many rows changed in each way, for the summary above the table. */
	public long count(Change change) {
		return plan.stream().filter(r -> r.change() == change).count()
				+ entitlements.stream().filter(r -> r.change() == change).count();
	}

	public long added() {
		return count(Change.ADDED);
	}

	public long removed() {
		return count(Change.REMOVED);
	}

	public long changed() {
		return count(Change.CHANGED);
	}

	public boolean same() {
		return count(Change.SAME) == plan.size() + entitlements.size();
	}

}

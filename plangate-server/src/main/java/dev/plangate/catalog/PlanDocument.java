package dev.plangate.catalog;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A plan version written back in the catalog file's form (docs/catalog.md), as a tree of
 * maps, texts, numbers and booleans: what an operator edits to publish the next version.
 * {@link CatalogReader#readPlan} reads it back into the same definition.
 */
public final class PlanDocument {

	private PlanDocument() {
	}

	/**
	 * Every field of the plan, defaults written out, entitlements in their short form
	 * where one says everything.
	 * @param features the features the entitlements name, by key
	 */
	public static Map<String, Object> of(PlanDefinition plan, Map<String, Feature> features) {
		var document = new LinkedHashMap<String, Object>();
		document.put("key", plan.key());
		document.put("name", plan.name());
		if (plan.description() != null) {
			document.put("description", plan.description());
		}
		document.put("price", plan.price());
		document.put("currency", plan.currency());
		document.put("interval", plan.interval().id());
		document.put("trialDays", plan.trialDays());
		document.put("priority", plan.queuePriority());
		document.put("rateMultiplier", plain(plan.rateMultiplier()));
		if (plan.stripePrice() != null) {
			document.put("stripePrice", plan.stripePrice());
		}
		var entitlements = new LinkedHashMap<String, Object>();
		plan.entitlements().forEach((key, entitlement) -> {
			var feature = features.get(key);
			if (feature != null) {
				entitlements.put(key, entitlement(entitlement, feature));
			}
		});
		document.put("entitlements", entitlements);
		return document;
	}

	/**
	 * One entitlement as a catalog file gives it: a boolean, a number, {@code unlimited}
	 * or a text, or the long form for a quota with overage.
	 */
	public static Object entitlement(Entitlement entitlement, Feature feature) {
		return switch (feature.kind()) {
			case SWITCH -> entitlement.enabled();
			case QUOTA, RATE, CONCURRENCY -> limit(entitlement);
			case SETTING -> setting(entitlement, feature);
		};
	}

	private static Object limit(Entitlement entitlement) {
		Object limit = entitlement.unlimited() ? "unlimited"
				: entitlement.limit() == null ? Long.valueOf(0) : entitlement.limit();
		if (!entitlement.hasOverage()) {
			return limit;
		}
		var overage = new LinkedHashMap<String, Object>();
		overage.put("price", entitlement.overagePrice());
		overage.put("per", entitlement.overagePer());
		putIfPresent(overage, "cap", entitlement.overageCap());
		putIfPresent(overage, "stripePrice", entitlement.overageStripePrice());
		var longForm = new LinkedHashMap<String, Object>();
		longForm.put("limit", limit);
		longForm.put("overage", overage);
		return longForm;
	}

	private static Object setting(Entitlement entitlement, Feature feature) {
		if (entitlement.unlimited()) {
			return "unlimited";
		}
		var value = entitlement.value() == null ? "" : entitlement.value();
		if (feature.settingType() == SettingType.NUMBER) {
			try {
				return plain(new BigDecimal(value));
			}
			catch (NumberFormatException ex) {
				return value;
			}
		}
		return value;
	}

	/**
	 * A whole number as one (10, not 1E+1, which a decimal stripped of its zeros would
	 * write).
	 */
	private static Number plain(BigDecimal number) {
		return number.scale() <= 0 || number.stripTrailingZeros().scale() <= 0
				? number.stripTrailingZeros().toBigIntegerExact() : number;
	}

	private static void putIfPresent(Map<String, Object> map, String key, @Nullable Object value) {
		if (value != null) {
			map.put(key, value);
		}
	}

}

package dev.plangate.console;

import java.math.BigDecimal;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import dev.plangate.catalog.Entitlement;
import dev.plangate.catalog.Feature;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.catalog.PlanDefinition;
import dev.plangate.catalog.PlanDocument;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * How the plans pages say what a plan version grants and costs, in words a person reads,
 * and in the catalog file's YAML an operator edits.
 */
@Component
class PlanTexts {

	private final Formats fmt;

	private final YAMLMapper yaml = YAMLMapper.builder()
		.disable(YAMLWriteFeature.WRITE_DOC_START_MARKER)
		.enable(YAMLWriteFeature.MINIMIZE_QUOTES)
		.build();

	private final JsonMapper json = JsonMapper.builder().build();

	PlanTexts(Formats fmt) {
		this.fmt = fmt;
	}

	/** "29.00 USD a month". */
	String price(PlanDefinition plan) {
		return fmt.money(plan.price(), plan.currency()) + " a " + plan.interval().id();
	}

	/** The overage prices of a version's quotas, one text each. */
	List<String> overagePrices(PlanDefinition plan, Map<String, Feature> features) {
		var prices = new ArrayList<String>();
		plan.entitlements().forEach((key, entitlement) -> {
			var feature = features.get(key);
			if (feature != null && entitlement.hasOverage()) {
				prices.add(feature.name() + ": " + overage(entitlement, feature, plan.currency()));
			}
		});
		return prices;
	}

	/**
	 * What an entitlement grants: "on", "100,000 call / month, then 0.01 USD per 100
	 * over", "unlimited", "priority".
	 */
	String grant(@Nullable Entitlement entitlement, Feature feature, String currency) {
		if (entitlement == null) {
			return "not listed (the feature's default)";
		}
		if (feature.kind() == FeatureKind.SWITCH) {
			return entitlement.enabled() ? "on" : "off";
		}
		if (feature.kind() == FeatureKind.SETTING) {
			return entitlement.unlimited() ? "unlimited" : entitlement.value() == null ? "—" : entitlement.value();
		}
		if (entitlement.unlimited()) {
			return "unlimited" + per(feature);
		}
		long limit = entitlement.limit() == null ? 0 : entitlement.limit();
		var text = number(limit) + (feature.unit() == null ? "" : " " + feature.unit()) + per(feature);
		if (entitlement.hasOverage()) {
			return text + ", then " + overage(entitlement, feature, currency);
		}
		return limit == 0 ? text + " (not usable)" : text;
	}

	private String overage(Entitlement entitlement, Feature feature, String currency) {
		long per = entitlement.overagePer() == null ? 1 : entitlement.overagePer();
		var unit = feature.unit() == null ? "" : " " + feature.unit();
		var text = fmt.money(entitlement.overagePrice() == null ? 0 : entitlement.overagePrice(), currency) + " per "
				+ (per == 1 ? unit.isEmpty() ? "unit" : unit.strip() : number(per) + unit) + " over";
		return entitlement.overageCap() == null ? text
				: text + " (at most " + number(entitlement.overageCap()) + " more)";
	}

	private static String per(Feature feature) {
		return switch (feature.kind()) {
			case QUOTA -> feature.period() == null ? "" : switch (feature.period()) {
				case LIFETIME -> " (lifetime)";
				case BILLING_PERIOD -> " / billing period";
				default -> " / " + feature.period().id();
			};
			case RATE -> feature.windowSeconds() == null ? "" : " / " + window(feature.windowSeconds());
			case CONCURRENCY -> " at once";
			default -> "";
		};
	}

	private static String window(long seconds) {
		if (seconds == 1) {
			return "second";
		}
		if (seconds == 60) {
			return "minute";
		}
		if (seconds == 3600) {
			return "hour";
		}
		if (seconds == 86400) {
			return "day";
		}
		return seconds % 60 == 0 ? number(seconds / 60) + " minutes" : number(seconds) + " seconds";
	}

	static String number(long value) {
		return NumberFormat.getIntegerInstance(Locale.ENGLISH).format(value);
	}

	/** A version in the catalog file's YAML, for the text area of the edit page. */
	String document(PlanDefinition plan, Map<String, Feature> features) {
		return yaml.writeValueAsString(PlanDocument.of(plan, features));
	}

	/**
	 * An entitlement as one line of YAML, for the form's field of the feature: the short
	 * form, or the long form written as a JSON object (which YAML reads too).
	 */
	String entitlementText(Entitlement entitlement, Feature feature) {
		var value = PlanDocument.entitlement(entitlement, feature);
		if (value instanceof String text) {
			return readsBackAsText(text) ? text : json.writeValueAsString(text);
		}
		if (value instanceof BigDecimal decimal) {
			return decimal.toPlainString();
		}
		if (value instanceof Map<?, ?>) {
			return json.writeValueAsString(value);
		}
		return String.valueOf(value);
	}

	private boolean readsBackAsText(String text) {
		try {
			var node = yaml.readTree(text);
			return node != null && node.isString() && node.stringValue().equals(text);
		}
		catch (JacksonException ex) {
			return false;
		}
	}

}

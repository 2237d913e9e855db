package dev.plangate.catalog;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads and validates a catalog file. Validation goes on after the first problem, so that
 * one start-up names everything wrong with the file.
 */
public final class CatalogReader {

	static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0,63}");

	private static final Set<String> CATALOG_FIELDS = Set.of("name", "defaultPlan", "currency", "features", "plans");

	private static final Set<String> FEATURE_FIELDS = Set.of("key", "name", "description", "kind", "unit", "period",
			"window", "type", "values", "default", "alertThresholds");

	static final Set<String> PLAN_FIELDS = Set.of("key", "name", "description", "price", "currency", "interval",
			"trialDays", "priority", "rateMultiplier", "entitlements", "stripePrice");

	/** A Stripe price id, as Stripe makes them. */
	private static final Pattern STRIPE_PRICE = Pattern.compile("price_[A-Za-z0-9_]{1,100}");

	/** Fields stored as a 64-bit number; every other whole number must fit 32 bits. */
	private static final Set<String> WIDE_NUMBERS = Set.of("price", "per", "cap");

	/**
	 * The longest text each field may hold, as the database stores it; 200 for fields not
	 * named.
	 */
	private static final Map<String, Integer> MAX_LENGTHS = Map.of("description", 2000, "unit", 64);

	private static final BigDecimal MAX_MULTIPLIER = new BigDecimal("99999999");

	static final Set<String> ENTITLEMENT_FIELDS = Set.of("enabled", "limit", "value", "overage");

	static final Set<String> OVERAGE_FIELDS = Set.of("price", "per", "cap", "stripePrice");

	private final YAMLMapper yaml = YAMLMapper.builder().build();

	public CatalogDefinition read(Path file) {
		String text;
		try {
			text = Files.readString(file);
		}
		catch (IOException ex) {
			throw new CatalogException(file.toString(), List.of("cannot be read: " + ex.getMessage()));
		}
		return read(file.toString(), text);
	}

	/** Reads catalog text; {@code source} names it in problems. */
	public CatalogDefinition read(String source, String text) {
		JsonNode root;
		try {
			root = yaml.readTree(text);
		}
		catch (JacksonException ex) {
			throw new CatalogException(source, List.of("is not valid YAML: " + ex.getOriginalMessage()));
		}
		var problems = new ArrayList<String>();
		var catalog = new Parse(problems).catalog(root);
		if (!problems.isEmpty() || catalog == null) {
			throw new CatalogException(source, problems.isEmpty() ? List.of("is empty") : problems);
		}
		return catalog;
	}

	/**
	 * Reads one plan in the catalog file's form, as the admin API receives it.
	 * @throws CatalogException naming every problem
	 */
	public PlanDefinition readPlan(JsonNode node, String defaultCurrency, Map<String, Feature> features) {
		var problems = new ArrayList<String>();
		var plan = new Parse(problems).plan(node, 0, defaultCurrency, features, features.keySet());
		if (!problems.isEmpty() || plan == null) {
			throw new CatalogException("plan", problems.isEmpty() ? List.of("is not a plan") : problems);
		}
		return plan;
	}

	/**
	 * Reads one entitlement in the catalog file's short or long form for a feature, as
	 * overrides are given.
	 * @throws CatalogException naming what is wrong
	 */
	public Entitlement readEntitlement(JsonNode node, Feature feature) {
		var problems = new ArrayList<String>();
		var entitlement = new Parse(problems).entitlement(node, feature, "value");
		if (!problems.isEmpty() || entitlement == null) {
			throw new CatalogException("entitlement", problems.isEmpty() ? List.of("value: is not valid") : problems);
		}
		return entitlement;
	}

	/** One pass over one document, collecting problems as it goes. */
	private static final class Parse {

		private final List<String> problems;

		Parse(List<String> problems) {
			this.problems = problems;
		}

		@Nullable CatalogDefinition catalog(@Nullable JsonNode root) {
			if (root == null || root.isMissingNode() || root.isNull()) {
				return null;
			}
			if (!root.isObject()) {
				problems.add("the top level must be a mapping with features and plans");
				return null;
			}
			unknownFields(root, CATALOG_FIELDS, "catalog");
			String name = text(root, "name", "catalog", false);
			String currency = currency(root, "catalog", "USD");
			// Keys are checked against everything declared, valid or not, so that one
			// broken entry does not
			// hide a duplicate or raise false alarms about the entries naming it.
			var features = new LinkedHashMap<String, Feature>();
			var declaredFeatures = new HashSet<String>();
			var featureNodes = root.path("features");
			if (!featureNodes.isArray() || featureNodes.isEmpty()) {
				problems.add("features: must be a non-empty list");
			}
			else {
				for (int i = 0; i < featureNodes.size(); i++) {
					var node = featureNodes.get(i);
					if (!declare(node, declaredFeatures)) {
						problems.add("feature '" + node.path("key").stringValue() + "': duplicate key");
					}
					var feature = feature(node, i);
					if (feature != null) {
						features.putIfAbsent(feature.key(), feature);
					}
				}
			}
			var plans = new LinkedHashMap<String, PlanDefinition>();
			var declaredPlans = new HashSet<String>();
			var planNodes = root.path("plans");
			if (!planNodes.isArray() || planNodes.isEmpty()) {
				problems.add("plans: must be a non-empty list");
			}
			else {
				for (int i = 0; i < planNodes.size(); i++) {
					var node = planNodes.get(i);
					if (!declare(node, declaredPlans)) {
						problems.add("plan '" + node.path("key").stringValue() + "': duplicate key");
					}
					var plan = plan(node, i, currency, features, declaredFeatures);
					if (plan != null) {
						plans.putIfAbsent(plan.key(), plan);
					}
				}
			}
			String defaultPlan = text(root, "defaultPlan", "catalog", true);
			if (defaultPlan != null && !planNodes.isEmpty() && !declaredPlans.contains(defaultPlan)) {
				problems.add("defaultPlan: '" + defaultPlan + "' is not a plan of this catalog");
			}
			if (!problems.isEmpty() || defaultPlan == null) {
				return null;
			}
			return new CatalogDefinition(name == null ? "catalog" : name, defaultPlan, currency,
					List.copyOf(features.values()), List.copyOf(plans.values()));
		}

		/**
		 * Notes an entry's key, if it has a usable one; false when the key was declared
		 * before.
		 */
		private static boolean declare(JsonNode node, Set<String> declared) {
			var key = node.path("key");
			return !key.isString() || !KEY.matcher(key.stringValue()).matches() || declared.add(key.stringValue());
		}

		private @Nullable Feature feature(JsonNode node, int index) {
			String where = "feature #" + (index + 1);
			if (!node.isObject()) {
				problems.add(where + ": must be a mapping");
				return null;
			}
			String key = key(node, where);
			if (key != null) {
				where = "feature '" + key + "'";
			}
			unknownFields(node, FEATURE_FIELDS, where);
			int before = problems.size();
			FeatureKind kind = enumValue(node, "kind", FeatureKind.class, where, true);
			String name = text(node, "name", where, false);
			String description = text(node, "description", where, false);
			String unit = text(node, "unit", where, false);
			ResetPeriod period = enumValue(node, "period", ResetPeriod.class, where, kind == FeatureKind.QUOTA);
			Long window = kind == FeatureKind.RATE || node.has("window") ? window(node, where) : null;
			SettingType type = enumValue(node, "type", SettingType.class, where, kind == FeatureKind.SETTING);
			List<String> values = List.of();
			if (kind != null) {
				notAllowed(node, "period", kind != FeatureKind.QUOTA, where, "only quota features have a period");
				notAllowed(node, "window", kind != FeatureKind.RATE, where, "only rate features have a window");
				notAllowed(node, "type", kind != FeatureKind.SETTING, where, "only setting features have a type");
				notAllowed(node, "alertThresholds", kind != FeatureKind.QUOTA, where,
						"only quota features have usage alerts");
			}
			List<Integer> alertThresholds = kind == FeatureKind.QUOTA ? alertThresholds(node, where) : List.of();
			if (type == SettingType.ENUM) {
				values = enumValues(node, where);
			}
			else {
				notAllowed(node, "values", true, where, "only enum settings have values");
			}
			if (key == null || kind == null || problems.size() > before) {
				return null;
			}
			var draft = new Feature(key, name == null ? key : name, description, kind, unit, period, window, type,
					values, null);
			Entitlement defaultEntitlement = node.has("default")
					? entitlement(node.get("default"), draft, where + ": default") : null;
			return new Feature(key, draft.name(), description, kind, unit, period, window, type, values,
					defaultEntitlement, alertThresholds);
		}

		private @Nullable PlanDefinition plan(JsonNode node, int index, String catalogCurrency,
				Map<String, Feature> features, Set<String> declaredFeatures) {
			String where = "plan #" + (index + 1);
			if (!node.isObject()) {
				problems.add(where + ": must be a mapping");
				return null;
			}
			String key = key(node, where);
			if (key != null) {
				where = "plan '" + key + "'";
			}
			unknownFields(node, PLAN_FIELDS, where);
			int before = problems.size();
			String name = text(node, "name", where, false);
			String description = text(node, "description", where, false);
			Long price = wholeNumber(node, "price", where, true);
			String currency = currency(node, where, catalogCurrency);
			BillingInterval interval = enumValue(node, "interval", BillingInterval.class, where, false);
			Long trialDays = wholeNumber(node, "trialDays", where, false);
			Long priority = wholeNumber(node, "priority", where, false);
			BigDecimal multiplier = multiplier(node, where);
			String stripePrice = text(node, "stripePrice", where, false);
			if (stripePrice != null && !STRIPE_PRICE.matcher(stripePrice).matches()) {
				problems.add(where + ": stripePrice must be a Stripe price id such as 'price_1PqR2s', not '"
						+ stripePrice + "'");
			}
			var entitlements = new LinkedHashMap<String, Entitlement>();
			var entitlementNodes = node.path("entitlements");
			if (node.has("entitlements") && !entitlementNodes.isObject()) {
				problems.add(where + ": entitlements: must be a mapping of feature key to value");
			}
			else if (entitlementNodes.isObject()) {
				for (String featureKey : entitlementNodes.propertyNames()) {
					var feature = features.get(featureKey);
					if (feature == null) {
						if (!declaredFeatures.contains(featureKey)) {
							problems.add(where + ": entitlement '" + featureKey + "': unknown feature");
						}
						continue;
					}
					var entitlement = entitlement(entitlementNodes.get(featureKey), feature,
							where + ": entitlement '" + featureKey + "'");
					if (entitlement != null) {
						entitlements.put(featureKey, entitlement);
					}
				}
			}
			if (key == null || price == null || problems.size() > before) {
				return null;
			}
			return new PlanDefinition(key, name == null ? key : name, description, price, currency,
					interval == null ? BillingInterval.MONTH : interval, trialDays == null ? 0 : trialDays.intValue(),
					priority == null ? 0 : priority.intValue(), multiplier, entitlements, stripePrice);
		}

		/**
		 * Reads an entitlement in its short or long form and checks it against the
		 * feature's kind.
		 */
		@Nullable Entitlement entitlement(JsonNode node, Feature feature, String where) {
			if (node.isObject()) {
				unknownFields(node, ENTITLEMENT_FIELDS, where);
				var overage = node.get("overage");
				if (overage != null && feature.kind() != FeatureKind.QUOTA) {
					problems.add(where + ": overage: only quota features have an overage price");
					return null;
				}
				Entitlement base = switch (feature.kind()) {
					case SWITCH ->
						node.has("enabled") ? switchValue(node.get("enabled"), where) : missing(where, "enabled");
					case QUOTA, RATE, CONCURRENCY ->
						node.has("limit") ? limitValue(node.get("limit"), where) : missing(where, "limit");
					case SETTING ->
						node.has("value") ? settingValue(node.get("value"), feature, where) : missing(where, "value");
				};
				return base == null || overage == null ? base : overage(overage, base, feature, where);
			}
			return switch (feature.kind()) {
				case SWITCH -> switchValue(node, where);
				case QUOTA, RATE, CONCURRENCY -> limitValue(node, where);
				case SETTING -> settingValue(node, feature, where);
			};
		}

		private @Nullable Entitlement missing(String where, String field) {
			problems.add(where + ": " + field + " is required");
			return null;
		}

		private @Nullable Entitlement switchValue(JsonNode node, String where) {
			if (!node.isBoolean()) {
				problems.add(where + ": must be true or false for a switch, not " + show(node));
				return null;
			}
			return Entitlement.ofSwitch(node.booleanValue());
		}

		private @Nullable Entitlement limitValue(JsonNode node, String where) {
			if (isUnlimited(node)) {
				return Entitlement.ofUnlimited();
			}
			if (!node.isIntegralNumber() || !node.canConvertToLong()) {
				problems.add(where + ": must be a whole number or 'unlimited', not " + show(node));
				return null;
			}
			if (node.longValue() < 0) {
				problems.add(where + ": must not be negative, not " + node.longValue());
				return null;
			}
			return Entitlement.ofLimit(node.longValue());
		}

		private @Nullable Entitlement settingValue(JsonNode node, Feature feature, String where) {
			var type = feature.settingType();
			if (type == SettingType.NUMBER) {
				if (isUnlimited(node)) {
					return Entitlement.ofUnlimitedValue();
				}
				if (!node.isNumber()) {
					problems.add(where + ": must be a number or 'unlimited', not " + show(node));
					return null;
				}
				return Entitlement.ofValue(node.decimalValue().stripTrailingZeros().toPlainString());
			}
			if (!node.isString() || node.stringValue().isBlank()) {
				problems.add(where + ": must be a non-empty text, not " + show(node));
				return null;
			}
			if (node.stringValue().length() > 1000) {
				problems.add(where + ": must be at most 1000 characters, not " + node.stringValue().length());
				return null;
			}
			if (type == SettingType.ENUM && !feature.values().contains(node.stringValue())) {
				problems.add(where + ": '" + node.stringValue() + "' is not one of " + feature.values());
				return null;
			}
			return Entitlement.ofValue(node.stringValue());
		}

		private @Nullable Entitlement overage(JsonNode node, Entitlement base, Feature feature, String where) {
			if (!node.isObject()) {
				problems.add(where + ": overage: must be a mapping with price and per");
				return null;
			}
			unknownFields(node, OVERAGE_FIELDS, where + ": overage");
			Long price = wholeNumber(node, "price", where + ": overage", true);
			Long per = wholeNumber(node, "per", where + ": overage", false);
			Long cap = wholeNumber(node, "cap", where + ": overage", false);
			String stripePrice = text(node, "stripePrice", where + ": overage", false);
			if (per != null && per == 0) {
				problems.add(where + ": overage: per must be at least 1");
				return null;
			}
			if (stripePrice != null && !STRIPE_PRICE.matcher(stripePrice).matches()) {
				problems.add(where + ": overage: stripePrice must be a Stripe price id such as 'price_1PqR2s', not '"
						+ stripePrice + "'");
				return null;
			}
			if (base.unlimited()) {
				problems.add(where + ": overage: an unlimited quota has no use beyond its limit to price");
				return null;
			}
			if (feature.period() == null || feature.period() == ResetPeriod.LIFETIME) {
				problems.add(where + ": overage: a lifetime quota never resets, so it has no period to bill overage "
						+ "for; give the feature a period or drop overage");
				return null;
			}
			return price == null ? null : base.withOverage(price, per == null ? 1 : per, cap, stripePrice);
		}

		private static boolean isUnlimited(JsonNode node) {
			return node.isString() && node.stringValue().equals("unlimited");
		}

		private @Nullable String key(JsonNode node, String where) {
			String key = text(node, "key", where, true);
			if (key != null && !KEY.matcher(key).matches()) {
				problems.add(where + ": key '" + key + "' must match " + KEY.pattern());
				return null;
			}
			return key;
		}

		private @Nullable String text(JsonNode node, String field, String where, boolean required) {
			var value = node.get(field);
			if (value == null || value.isNull()) {
				if (required) {
					problems.add(where + ": " + field + " is required");
				}
				return null;
			}
			if (!value.isString() || value.stringValue().isBlank()) {
				problems.add(where + ": " + field + " must be a non-empty text, not " + show(value));
				return null;
			}
			int max = MAX_LENGTHS.getOrDefault(field, 200);
			if (value.stringValue().length() > max) {
				problems.add(where + ": " + field + " must be at most " + max + " characters, not "
						+ value.stringValue().length());
				return null;
			}
			return value.stringValue();
		}

		private @Nullable Long wholeNumber(JsonNode node, String field, String where, boolean required) {
			var value = node.get(field);
			if (value == null || value.isNull()) {
				if (required) {
					problems.add(where + ": " + field + " is required");
				}
				return null;
			}
			if (!value.isIntegralNumber()) {
				problems.add(where + ": " + field + " must be a whole number, not " + show(value));
				return null;
			}
			boolean wide = WIDE_NUMBERS.contains(field);
			if (!(wide ? value.canConvertToLong() : value.canConvertToInt())) {
				problems.add(where + ": " + field + " must be at most " + (wide ? Long.MAX_VALUE : Integer.MAX_VALUE)
						+ ", not " + show(value));
				return null;
			}
			if (value.longValue() < 0) {
				problems.add(where + ": " + field + " must not be negative, not " + value.longValue());
				return null;
			}
			return value.longValue();
		}

		private BigDecimal multiplier(JsonNode node, String where) {
			var value = node.get("rateMultiplier");
			if (value == null) {
				return BigDecimal.ONE;
			}
			if (!value.isNumber() || value.decimalValue().signum() <= 0) {
				problems.add(where + ": rateMultiplier must be a positive number, not " + show(value));
				return BigDecimal.ONE;
			}
			var multiplier = value.decimalValue().stripTrailingZeros();
			if (multiplier.scale() > 4 || multiplier.compareTo(MAX_MULTIPLIER) > 0) {
				problems.add(where + ": rateMultiplier must have at most 4 decimals and be at most " + MAX_MULTIPLIER
						+ ", not " + show(value));
				return BigDecimal.ONE;
			}
			return multiplier;
		}

		private String currency(JsonNode node, String where, String fallback) {
			String code = text(node, "currency", where, false);
			if (code == null) {
				return fallback;
			}
			try {
				return Currency.getInstance(code).getCurrencyCode();
			}
			catch (IllegalArgumentException ex) {
				problems.add(where + ": currency '" + code + "' is not an ISO 4217 code");
				return fallback;
			}
		}

		private <E extends Enum<E>> @Nullable E enumValue(JsonNode node, String field, Class<E> type, String where,
				boolean required) {
			String value = text(node, field, where, required);
			if (value == null) {
				return null;
			}
			try {
				return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				var allowed = Arrays.stream(type.getEnumConstants())
					.map(e -> e.name().toLowerCase(Locale.ROOT))
					.toList();
				problems.add(where + ": " + field + " '" + value + "' is not one of " + allowed);
				return null;
			}
		}

		private @Nullable Long window(JsonNode node, String where) {
			String value = text(node, "window", where, true);
			if (value == null) {
				return null;
			}
			Long seconds = switch (value) {
				case "second" -> 1L;
				case "minute" -> 60L;
				case "hour" -> 3600L;
				case "day" -> 86400L;
				default -> isoSeconds(value);
			};
			if (seconds == null || seconds < 1) {
				problems.add(where + ": window '" + value
						+ "' is not second, minute, hour, day or an ISO-8601 duration of at least one second");
				return null;
			}
			return seconds;
		}

		private static @Nullable Long isoSeconds(String value) {
			try {
				return Duration.parse(value).getSeconds();
			}
			catch (DateTimeParseException ex) {
				return null;
			}
		}

		/**
		 * A quota's alert thresholds: a list of whole percents, ascending; empty when the
		 * field is absent.
		 */
		private List<Integer> alertThresholds(JsonNode node, String where) {
			var list = node.get("alertThresholds");
			if (list == null || list.isNull()) {
				return List.of();
			}
			if (!list.isArray()) {
				problems
					.add(where + ": alertThresholds must be a list of percents such as [80, 100], not " + show(list));
				return List.of();
			}
			var result = new ArrayList<Integer>();
			for (var value : list) {
				if (!value.isIntegralNumber() || !value.canConvertToInt()) {
					problems.add(where + ": alertThresholds must hold whole percents, not " + show(value));
					return List.of();
				}
				result.add(value.intValue());
			}
			var wrong = AlertThresholds.problems(result);
			wrong.forEach(p -> problems.add(where + ": alertThresholds" + (p.startsWith("[") ? "" : " ") + p));
			return wrong.isEmpty() ? result : List.of();
		}

		private List<String> enumValues(JsonNode node, String where) {
			var values = node.get("values");
			if (values == null || !values.isArray() || values.isEmpty()) {
				problems.add(where + ": values must be a non-empty list for an enum setting");
				return List.of();
			}
			var result = new ArrayList<String>();
			var seen = new HashSet<String>();
			for (var value : values) {
				if (!value.isString() || value.stringValue().isBlank()) {
					problems.add(where + ": values must be texts, not " + show(value));
				}
				else if (!seen.add(value.stringValue())) {
					problems.add(where + ": values: '" + value.stringValue() + "' is listed twice");
				}
				else {
					result.add(value.stringValue());
				}
			}
			return result;
		}

		private void notAllowed(JsonNode node, String field, boolean forbidden, String where, String why) {
			if (forbidden && node.has(field)) {
				problems.add(where + ": " + field + " is not allowed here: " + why);
			}
		}

		private void unknownFields(JsonNode node, Set<String> known, String where) {
			for (String field : node.propertyNames()) {
				if (!known.contains(field)) {
					problems.add(where + ": unknown field '" + field + "'");
				}
			}
		}

		private static String show(JsonNode node) {
			return node.isString() ? "'" + node.stringValue() + "'" : node.toString();
		}

	}

}

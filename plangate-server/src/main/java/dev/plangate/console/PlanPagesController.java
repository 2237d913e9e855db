package dev.plangate.console;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

import dev.plangate.audit.AuditLog;
import dev.plangate.catalog.BillingInterval;
import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.Feature;
import dev.plangate.catalog.Plan;
import dev.plangate.catalog.PlanStatus;
import dev.plangate.catalog.ResetPeriod;
import dev.plangate.catalog.SettingType;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.SubscriptionService;
import dev.plangate.subscription.SubscriptionStats;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The plans: every plan with its current version and subscribers, one plan's versions
 * with a side-by-side comparison of any two, and the changes an admin makes (a new
 * version from a form or from the catalog file's YAML, archive, activate, moving
 * subscribers between versions after a preview), each through the same service (and so
 * the same validation, audit records and events) as {@code /v1/admin/plans}.
 */
@Controller
@Hidden
class PlanPagesController {

	static final String PATH = "/console/plans";

	/** The longest plan document the edit page takes. */
	private static final int MAX_DOCUMENT = 100_000;

	/** How many of the customers a migration would move its preview names. */
	private static final int PREVIEW_NAMES = 20;

	private static final Pattern WHOLE = Pattern.compile("-?[0-9]{1,19}");

	private static final Pattern DECIMAL = Pattern.compile("-?[0-9]{1,12}(\\.[0-9]{1,12})?");

	private final CatalogService catalog;

	private final SubscriptionService subscriptions;

	private final SubscriptionStats stats;

	private final AuditLog audit;

	private final PlanTexts texts;

	private final YAMLMapper yaml = YAMLMapper.builder().build();

	PlanPagesController(CatalogService catalog, SubscriptionService subscriptions, SubscriptionStats stats,
			AuditLog audit, PlanTexts texts) {
		this.catalog = catalog;
		this.subscriptions = subscriptions;
		this.stats = stats;
		this.audit = audit;
		this.texts = texts;
	}

	/**
	 * @param subscribers live subscriptions (trialing, active, past due) on any version
	 * @param overages the overage prices of the current version's quotas
	 */
	record PlanRow(String key, String name, String status, boolean isDefault, int version, String price,
			List<String> overages, long subscribers) {
	}

	/**
	 * @param current whether new subscribers get this version
	 */
	record VersionRow(int version, Instant createdAt, boolean current, long subscribers) {
	}

	record GrantRow(String feature, String name, String kind, String grant) {
	}

	/**
	 * One feature's field of the edit form.
	 *
	 * @param value as entered, or the current version's entitlement in the catalog's
	 * form; empty when the plan does not list the feature
	 */
	record GrantField(String feature, String name, String kind, String hint, String value) {

		public String id() {
			return "entitlement-" + feature;
		}

	}

	@GetMapping(PATH)
	String list(Model model) {
		var features = catalog.featuresByKey();
		var counts = stats.subscribersByVersion();
		var rows = new ArrayList<PlanRow>();
		for (var plan : catalog.plans()) {
			var d = plan.definition();
			long subscribers = counts.getOrDefault(plan.key(), Map.of())
				.values()
				.stream()
				.mapToLong(Long::longValue)
				.sum();
			rows.add(new PlanRow(plan.key(), d.name(), plan.status().id(), plan.isDefault(), plan.version(),
					texts.price(d), texts.overagePrices(d, features), subscribers));
		}
		model.addAttribute("plans", rows);
		return "console/plans";
	}

	@GetMapping(PATH + "/{key}")
	String plan(@PathVariable String key, @RequestParam(required = false) @Nullable Integer compare,
			@RequestParam(name = "with", required = false) @Nullable Integer with,
			@AuthenticationPrincipal ConsoleOperator operator, Model model, HttpServletResponse response) {
		var versions = catalog.planVersions(key);
		var current = versions.stream().filter(Plan::current).findFirst().orElse(versions.get(versions.size() - 1));
		var features = catalog.featuresByKey();
		var counts = stats.subscribersByVersion().getOrDefault(key, Map.of());
		model.addAttribute("plan", current);
		model.addAttribute("price", texts.price(current.definition()));
		model.addAttribute("mayChange", operator.mayChange());
		var rows = new ArrayList<VersionRow>();
		for (var v : versions) {
			rows.add(0, new VersionRow(v.version(), v.createdAt(), v.current(), counts.getOrDefault(v.version(), 0L)));
		}
		model.addAttribute("versions", rows);
		model.addAttribute("grants", grants(current, features));
		model.addAttribute("audit", audit.list("plan", key, null, 25).data());
		int left = compare != null ? compare : Math.max(1, current.version() - 1);
		int right = with != null ? with : current.version();
		model.addAttribute("compare", left);
		model.addAttribute("with", right);
		var a = version(versions, left);
		var b = version(versions, right);
		if (a.isPresent() && b.isPresent()) {
			if (versions.size() > 1 || compare != null || with != null) {
				model.addAttribute("diff", PlanDiff.of(a.get(), b.get(), features, texts));
			}
		}
		else {
			response.setStatus(HttpStatus.BAD_REQUEST.value());
			model.addAttribute("error", "Plan '" + key + "' has no version " + (a.isEmpty() ? left : right)
					+ ": choose two of its versions to compare.");
		}
		return "console/plan";
	}

	private static Optional<Plan> version(List<Plan> versions, int number) {
		return versions.stream().filter(v -> v.version() == number).findFirst();
	}

	private List<GrantRow> grants(Plan plan, Map<String, Feature> features) {
		var rows = new ArrayList<GrantRow>();
		plan.definition().entitlements().forEach((key, entitlement) -> {
			var feature = features.get(key);
			if (feature != null) {
				rows.add(new GrantRow(key, feature.name(), feature.kind().id(),
						texts.grant(entitlement, feature, plan.definition().currency())));
			}
		});
		return rows;
	}

	// publishing a new version

	@GetMapping(PATH + "/{key}/edit")
	String edit(@PathVariable String key, Model model) {
		var plan = catalog.plan(key);
		var d = plan.definition();
		var fields = new LinkedHashMap<String, String>();
		fields.put("name", d.name());
		fields.put("description", d.description() == null ? "" : d.description());
		fields.put("price", String.valueOf(d.price()));
		fields.put("currency", d.currency());
		fields.put("interval", d.interval().id());
		fields.put("trialDays", String.valueOf(d.trialDays()));
		fields.put("priority", String.valueOf(d.queuePriority()));
		fields.put("rateMultiplier", d.rateMultiplier().toPlainString());
		fields.put("stripePrice", d.stripePrice() == null ? "" : d.stripePrice());
		var features = catalog.featuresByKey();
		var grants = new ArrayList<GrantField>();
		for (var feature : features.values()) {
			var entitlement = d.entitlements().get(feature.key());
			grants.add(field(feature, entitlement == null ? "" : texts.entitlementText(entitlement, feature)));
		}
		return editPage(model, plan, fields, grants, texts.document(d, features));
	}

	@PostMapping(PATH + "/{key}/edit")
	String publishFromForm(@PathVariable String key, @RequestParam Map<String, String> form, Model model,
			HttpServletResponse response, RedirectAttributes redirect) {
		var plan = catalog.plan(key);
		var body = JsonNodeFactory.instance.objectNode();
		body.put("key", key);
		var fields = new LinkedHashMap<String, String>();
		for (var field : List.of("name", "description", "price", "currency", "interval", "trialDays", "priority",
				"rateMultiplier", "stripePrice")) {
			var value = form.getOrDefault(field, "").strip();
			fields.put(field, value);
			if (value.isEmpty()) {
				continue;
			}
			switch (field) {
				case "price", "trialDays", "priority" -> {
					if (WHOLE.matcher(value).matches()) {
						body.put(field, new BigDecimal(value).toBigInteger());
					}
					else {
						body.put(field, value);
					}
				}
				case "rateMultiplier" -> {
					if (DECIMAL.matcher(value).matches()) {
						body.put(field, new BigDecimal(value));
					}
					else {
						body.put(field, value);
					}
				}
				default -> body.put(field, value);
			}
		}
		var entitlements = body.putObject("entitlements");
		var grants = new ArrayList<GrantField>();
		for (var feature : catalog.featuresByKey().values()) {
			var value = form.getOrDefault("entitlement." + feature.key(), "").strip();
			grants.add(field(feature, value));
			if (!value.isEmpty()) {
				entitlements.set(feature.key(), entitlementValue(value));
			}
		}
		return publish(key, plan, body, model, response, redirect, () -> editPage(model, plan, fields, grants,
				texts.document(plan.definition(), catalog.featuresByKey())));
	}

	@PostMapping(PATH + "/{key}/edit/document")
	String publishFromDocument(@PathVariable String key, @RequestParam(defaultValue = "") String document, Model model,
			HttpServletResponse response, RedirectAttributes redirect) {
		var plan = catalog.plan(key);
		var edit = (java.util.function.Supplier<String>) () -> {
			var page = edit(key, model);
			model.addAttribute("document", document);
			return page;
		};
		if (document.isBlank() || document.length() > MAX_DOCUMENT) {
			return invalid(response, model, "Enter the plan as YAML or JSON (at most 100,000 characters).", List.of(),
					edit);
		}
		JsonNode body;
		try {
			body = yaml.readTree(document);
		}
		catch (JacksonException ex) {
			return invalid(response, model, "This is neither YAML nor JSON: " + ex.getOriginalMessage(), List.of(),
					edit);
		}
		return publish(key, plan, body, model, response, redirect, edit);
	}

	/** The way the catalog would read the field in a catalog file. */
	private JsonNode entitlementValue(String value) {
		try {
			var node = yaml.readTree(value);
			return node == null || node.isMissingNode() ? JsonNodeFactory.instance.stringNode(value) : node;
		}
		catch (JacksonException ex) {
			return JsonNodeFactory.instance.stringNode(value);
		}
	}

	private String publish(String key, Plan before, JsonNode body, Model model, HttpServletResponse response,
			RedirectAttributes redirect, java.util.function.Supplier<String> page) {
		Plan after;
		try {
			after = catalog.updatePlan(key, body);
		}
		catch (PlangateException ex) {
			if (ex.code() == ErrorCode.PLAN_NOT_FOUND) {
				throw ex;
			}
			return invalid(response, model, ex.getMessage() + ": nothing was published.", ex.errors(), page);
		}
		redirect.addFlashAttribute("notice",
				after.version() == before.version()
						? "Nothing differs from version " + before.version() + ": no new version."
						: "Version " + after.version() + " published. Subscribers of earlier versions keep theirs "
								+ "until they are moved.");
		return "redirect:" + path(key);
	}

	private static String invalid(HttpServletResponse response, Model model, String message, List<FieldError> errors,
			java.util.function.Supplier<String> page) {
		response.setStatus(HttpStatus.UNPROCESSABLE_CONTENT.value());
		var shown = page.get();
		model.addAttribute("error", message);
		model.addAttribute("problems", errors);
		return shown;
	}

	private String editPage(Model model, Plan plan, Map<String, String> fields, List<GrantField> grants,
			String document) {
		model.addAttribute("plan", plan);
		model.addAttribute("fields", fields);
		model.addAttribute("grants", grants);
		model.addAttribute("intervals", List.of(BillingInterval.values()).stream().map(BillingInterval::id).toList());
		if (!model.containsAttribute("document")) {
			model.addAttribute("document", document);
		}
		return "console/plan-edit";
	}

	private static GrantField field(Feature feature, String value) {
		var hint = switch (feature.kind()) {
			case SWITCH -> "true or false";
			case QUOTA ->
				feature.period() == null || feature.period() == ResetPeriod.LIFETIME ? "a whole number or unlimited"
						: "a whole number, unlimited, or {limit: 1000, overage: {price: 1, per: 100}}";
			case RATE, CONCURRENCY -> "a whole number or unlimited";
			case SETTING -> feature.settingType() == SettingType.NUMBER ? "a number or unlimited"
					: feature.values().isEmpty() ? "a text" : "one of " + String.join(", ", feature.values());
		};
		return new GrantField(feature.key(), feature.name(), feature.kind().id(), hint, value);
	}

	// archive and activate

	@PostMapping(PATH + "/{key}/archive")
	String archive(@PathVariable String key, @RequestParam(defaultValue = "") String confirm,
			RedirectAttributes redirect) {
		catalog.plan(key);
		if (!"yes".equals(confirm)) {
			redirect.addFlashAttribute("error", "Tick the confirmation to archive the plan.");
			return "redirect:" + path(key);
		}
		return status(key, PlanStatus.ARCHIVED, redirect,
				"Plan archived: its subscribers keep it, nobody new can choose it.");
	}

	@PostMapping(PATH + "/{key}/activate")
	String activate(@PathVariable String key, RedirectAttributes redirect) {
		catalog.plan(key);
		return status(key, PlanStatus.ACTIVE, redirect, "Plan activated: new subscribers can choose it again.");
	}

	private String status(String key, PlanStatus status, RedirectAttributes redirect, String done) {
		try {
			catalog.setStatus(key, status);
			redirect.addFlashAttribute("notice", done);
		}
		catch (PlangateException ex) {
			if (ex.code() == ErrorCode.PLAN_NOT_FOUND) {
				throw ex;
			}
			redirect.addFlashAttribute("error", ex.getMessage() + ".");
		}
		return "redirect:" + path(key);
	}

	// moving subscribers between versions

	@GetMapping(PATH + "/{key}/migration")
	String previewMigration(@PathVariable String key, @RequestParam(required = false) @Nullable Integer from,
			@RequestParam(required = false) @Nullable Integer to, @AuthenticationPrincipal ConsoleOperator operator,
			Model model, RedirectAttributes redirect) {
		var plan = catalog.plan(key);
		SubscriptionService.MigrationPreview preview;
		try {
			preview = subscriptions.previewMigration(key, from, to);
		}
		catch (PlangateException ex) {
			if (ex.code() == ErrorCode.PLAN_NOT_FOUND) {
				throw ex;
			}
			redirect.addFlashAttribute("error", ex.getMessage() + ": choose two of its versions.");
			return "redirect:" + path(key);
		}
		var moving = preview.customerIds();
		model.addAttribute("plan", plan);
		model.addAttribute("from", from);
		model.addAttribute("to", preview.target().version());
		model.addAttribute("count", moving.size());
		model.addAttribute("names", moving.subList(0, Math.min(PREVIEW_NAMES, moving.size())));
		model.addAttribute("mayChange", operator.mayChange());
		return "console/plan-migration";
	}

	@PostMapping(PATH + "/{key}/migration")
	String migrate(@PathVariable String key, @RequestParam(required = false) @Nullable Integer from,
			@RequestParam(required = false) @Nullable Integer to, @RequestParam(defaultValue = "") String confirm,
			RedirectAttributes redirect) {
		catalog.plan(key);
		if (!"yes".equals(confirm)) {
			redirect.addFlashAttribute("error", "Tick the confirmation to move the subscriptions.");
			return "redirect:" + UriComponentsBuilder.fromPath(PATH + "/{key}/migration")
				.queryParamIfPresent("from", Optional.ofNullable(from))
				.queryParamIfPresent("to", Optional.ofNullable(to))
				.buildAndExpand(key)
				.encode()
				.toUriString();
		}
		try {
			var moved = subscriptions.migrate(key, from, to, null);
			int target = to != null ? to : catalog.plan(key).version();
			redirect.addFlashAttribute("notice", moved.size() + (moved.size() == 1 ? " subscription" : " subscriptions")
					+ " moved to version " + target + ".");
		}
		catch (PlangateException ex) {
			if (ex.code() == ErrorCode.PLAN_NOT_FOUND) {
				throw ex;
			}
			redirect.addFlashAttribute("error", ex.getMessage() + ".");
		}
		return "redirect:" + path(key);
	}

	static String path(String key) {
		return UriComponentsBuilder.fromPath(PATH + "/{key}").buildAndExpand(key).encode().toUriString();
	}

}

package dev.plangate.console;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
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
import dev.plangate.batch.BatchService;
import dev.plangate.batch.OperationStatus;
import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.EntitlementView;
import dev.plangate.catalog.Feature;
import dev.plangate.catalog.FeatureKind;
import dev.plangate.catalog.Plan;
import dev.plangate.catalog.ResetPeriod;
import dev.plangate.customer.CustomerService;
import dev.plangate.customer.CustomerStatus;
import dev.plangate.enforcement.EnforcementService;
import dev.plangate.enforcement.LeaseService;
import dev.plangate.identity.CustomerOrganizations;
import dev.plangate.identity.OperatorAdministration;
import dev.plangate.identity.OperatorImpersonation;
import dev.plangate.metering.Grant;
import dev.plangate.metering.GrantService;
import dev.plangate.metering.UsageHistories;
import dev.plangate.metering.UsageViews;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.SubscriptionService;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * The customers: a search as {@code GET /v1/customers} has it, one customer's page, and
 * the changes an admin makes there (status, plan, overrides, grants, deletion), and the
 * sessions ended and rate limits cleared by support and up, each through the same service
 * (and so the same checks, audit records and events) as the API's. The page reads each of
 * its parts in one or two queries, whatever the customer holds.
 */
@Controller
@Hidden
class CustomerPagesController {

	private static final int PAGE = 50;

	/** How many of the customer's batches the page lists, newest first. */
	static final int BATCHES = 10;

	private static final int MAX_REASON = 500;

	private static final long MAX_GRANT = 1_000_000_000_000_000L;

	private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");

	private final CustomerService customers;

	private final SubscriptionService subscriptions;

	private final UsageViews usage;

	private final AuditLog audit;

	private final CatalogService catalog;

	private final OperatorAdministration accounts;

	private final EnforcementService enforcement;

	private final OperatorImpersonation impersonation;

	private final Parts parts;

	private final Clock clock;

	private final JsonMapper json;

	/** The services behind the page's newer parts, so the constructor stays readable. */
	record Parts(GrantService grants, UsageHistories histories, LeaseService leases,
			CustomerOrganizations organizations, BatchService batches) {
	}

	CustomerPagesController(CustomerService customers, SubscriptionService subscriptions, UsageViews usage,
			AuditLog audit, CatalogService catalog, OperatorAdministration accounts, EnforcementService enforcement,
			GrantService grants, UsageHistories histories, LeaseService leases, CustomerOrganizations organizations,
			BatchService batches, Clock clock, JsonMapper json, OperatorImpersonation impersonation) {
		this.impersonation = impersonation;
		this.customers = customers;
		this.subscriptions = subscriptions;
		this.usage = usage;
		this.audit = audit;
		this.catalog = catalog;
		this.accounts = accounts;
		this.enforcement = enforcement;
		this.parts = new Parts(grants, histories, leases, organizations, batches);
		this.clock = clock;
		this.json = json;
	}

	@GetMapping("/console/customers")
	String list(@RequestParam(required = false) @Nullable String q,
			@RequestParam(required = false) @Nullable String status,
			@RequestParam(required = false) @Nullable String plan,
			@RequestParam(required = false) @Nullable String cursor, Model model, HttpServletResponse response) {
		var search = blankToNull(q);
		var planKey = blankToNull(plan);
		var statusId = blankToNull(status);
		model.addAttribute("q", search == null ? "" : search);
		model.addAttribute("status", statusId == null ? "" : statusId);
		model.addAttribute("plan", planKey == null ? "" : planKey);
		model.addAttribute("statuses", List.of(CustomerStatus.values()).stream().map(CustomerStatus::id).toList());
		model.addAttribute("plans", catalog.plans());
		CustomerStatus parsed = null;
		if (statusId != null) {
			parsed = List.of(CustomerStatus.values())
				.stream()
				.filter(s -> s.id().equals(statusId))
				.findFirst()
				.orElse(null);
			if (parsed == null) {
				response.setStatus(HttpStatus.BAD_REQUEST.value());
				model.addAttribute("error", "Unknown status: choose one of the list.");
				return "console/customers";
			}
		}
		if (search != null && search.length() > 200) {
			response.setStatus(HttpStatus.BAD_REQUEST.value());
			model.addAttribute("error", "The search is too long: at most 200 characters.");
			return "console/customers";
		}
		try {
			var page = customers.list(search, parsed, planKey, blankToNull(cursor), PAGE);
			model.addAttribute("page", page);
			if (page.nextCursor() != null) {
				model.addAttribute("next",
						UriComponentsBuilder.fromPath("/console/customers")
							.queryParamIfPresent("q", Optional.ofNullable(search))
							.queryParamIfPresent("status", Optional.ofNullable(statusId))
							.queryParamIfPresent("plan", Optional.ofNullable(planKey))
							.queryParam("cursor", page.nextCursor())
							.encode()
							.build()
							.toUriString());
			}
		}
		catch (PlangateException ex) {
			response.setStatus(ex.code().status().value());
			model.addAttribute("error", ex.getMessage());
		}
		return "console/customers";
	}

	@GetMapping("/console/customers/{id}")
	String customer(@PathVariable String id, @AuthenticationPrincipal ConsoleOperator operator, Model model) {
		var customer = customers.get(id);
		var now = clock.instant();
		var deleted = customer.status() == CustomerStatus.DELETED;
		model.addAttribute("customer", customer);
		model.addAttribute("mayChange", operator.mayChange());
		var account = accounts.ofCustomer(id).orElse(null);
		model.addAttribute("account", account);
		model.addAttribute("sessions", account == null ? List.of() : accounts.sessions(account.id()));
		var grants = parts.grants().list(id, null);
		model.addAttribute("grants", grants.stream().map(g -> GrantRow.of(g, now)).toList());
		model.addAttribute("overrides", customers.overrides(id).stream().map(this::overrideRow).toList());
		if (!deleted) {
			var entitlements = subscriptions.entitlements(id);
			model.addAttribute("subscription", entitlements.subscription());
			model.addAttribute("entitlements", entitlementRows(entitlements.features(), grants, now));
			var usageView = usage.of(id);
			model.addAttribute("usage", usageView);
			var history = parts.histories()
				.of(id, null, UsageCharts.historyStart(usageView, now).toString(), null, "day");
			var charts = UsageCharts.of(usageView, history, now);
			model.addAttribute("charts", charts);
			model.addAttribute("chartData",
					charts.stream()
						.collect(java.util.stream.Collectors.toMap(UsageCharts.Chart::feature,
								c -> json.writeValueAsString(c.data()), (a, b) -> a, java.util.LinkedHashMap::new)));
			var changes = new ArrayList<>(subscriptions.history(id));
			Collections.reverse(changes);
			model.addAttribute("history", changes);
			model.addAttribute("leases", leaseRows(id, entitlements.features()));
			model.addAttribute("overrideFeatures", catalog.features());
			model.addAttribute("grantFeatures",
					catalog.features()
						.stream()
						.filter(f -> f.kind() == FeatureKind.QUOTA && f.period() != ResetPeriod.LIFETIME)
						.toList());
		}
		model.addAttribute("organizations", parts.organizations().of(id));
		if ("organization".equals(customer.kind())) {
			model.addAttribute("members", parts.organizations().members(id));
		}
		batches(id, model);
		model.addAttribute("audit", audit.list("customer", id, null, 25).data());
		model.addAttribute("plans", catalog.plans().stream().filter(Plan::isActive).toList());
		return "console/customer";
	}

	/** The page's recent batches, refreshed in place by the page's htmx. */
	@GetMapping("/console/customers/{id}/batches/live")
	String batchesLive(@PathVariable String id, Model model) {
		model.addAttribute("customer", customers.get(id));
		batches(id, model);
		return "console/customer :: batches";
	}

	private void batches(String id, Model model) {
		model.addAttribute("batches",
				parts.batches().list(id, null, null, BATCHES).data().stream().map(BatchRow::of).toList());
	}

	/** An override as the page lists it. */
	record OverrideRow(String feature, String name, String value, @Nullable String reason, String setBy,
			Instant setAt) {
	}

	private OverrideRow overrideRow(dev.plangate.customer.Override o) {
		var feature = catalog.findFeature(o.feature());
		var view = feature.map(f -> EntitlementView.of(f, o.entitlement(), "override"));
		return new OverrideRow(o.feature(), feature.map(Feature::name).orElse(o.feature()),
				view.map(Formats::entitlement).orElse("—"), o.reason(), o.setBy(), o.setAt());
	}

	/** A grant as the page lists it. */
	record GrantRow(UUID id, String feature, long amount, long remaining, String status, Instant startsAt,
			@Nullable Instant expiresAt, @Nullable String reason, String createdBy) {

		static GrantRow of(Grant g, Instant now) {
			return new GrantRow(g.id(), g.feature(), g.amount(), g.remaining(), g.statusAt(now), g.startsAt(),
					g.expiresAt(), g.reason(), g.createdBy());
		}

		public boolean revocable() {
			return !"revoked".equals(status) && !"expired".equals(status);
		}
	}

	/**
	 * An entitlement with where it comes from: the plan, an override or the feature's
	 * default, and what active grants add to it.
	 *
	 * @param granted what the active grants of the feature hold now; absent without any
	 */
	record EntitlementRow(EntitlementView entitlement, String value, String source, @Nullable Long granted) {
	}

	private static List<EntitlementRow> entitlementRows(Map<String, EntitlementView> features, List<Grant> grants,
			Instant now) {
		var granted = new HashMap<String, Long>();
		grants.stream().filter(g -> g.activeAt(now)).forEach(g -> granted.merge(g.feature(), g.remaining(), Long::sum));
		return features.values()
			.stream()
			.map(e -> new EntitlementRow(e, Formats.entitlement(e), e.source() == null ? "plan" : e.source(),
					granted.get(e.feature())))
			.toList();
	}

	/** A lease held now, with its feature's cap. */
	record LeaseRow(UUID id, String feature, String name, Instant since, Instant expiresAt, @Nullable Long limit) {
	}

	private List<LeaseRow> leaseRows(String id, Map<String, EntitlementView> features) {
		return parts.leases().held(id).stream().map(l -> {
			var e = features.get(l.feature());
			return new LeaseRow(l.id(), l.feature(), e == null ? l.feature() : e.name(), l.acquiredAt(), l.expiresAt(),
					e == null || e.unlimited() ? null : e.limit());
		}).toList();
	}

	/**
	 * One of the customer's batches.
	 *
	 * @param progress the share of its operations that ended, in percent
	 */
	record BatchRow(UUID id, String status, int operations, long ended, double progress, Instant submittedAt,
			@Nullable Instant finishedAt) {

		static BatchRow of(BatchService.Details details) {
			var b = details.batch();
			var c = details.counts();
			long ended = c.getOrDefault(OperationStatus.SUCCEEDED, 0) + c.getOrDefault(OperationStatus.FAILED, 0)
					+ c.getOrDefault(OperationStatus.CANCELLED, 0);
			double progress = b.operationCount() == 0 ? 100 : Math.round(1000.0 * ended / b.operationCount()) / 10.0;
			return new BatchRow(b.id(), b.status().id(), b.operationCount(), ended, progress, b.submittedAt(),
					b.finishedAt());
		}
	}

	@PostMapping("/console/customers/{id}/suspend")
	String suspend(@PathVariable String id, RedirectAttributes redirect) {
		return act(id, redirect, () -> customers.setStatus(id, CustomerStatus.SUSPENDED), "Customer suspended.");
	}

	@PostMapping("/console/customers/{id}/activate")
	String activate(@PathVariable String id, RedirectAttributes redirect) {
		return act(id, redirect, () -> customers.setStatus(id, CustomerStatus.ACTIVE), "Customer activated.");
	}

	@PostMapping("/console/customers/{id}/plan")
	String changePlan(@PathVariable String id, @RequestParam(defaultValue = "") String plan,
			@RequestParam(required = false) @Nullable String when, @RequestParam(defaultValue = "false") boolean force,
			RedirectAttributes redirect) {
		if (plan.isBlank()) {
			redirect.addFlashAttribute("error", "Choose a plan.");
			return "redirect:" + path(id);
		}
		var timing = blankToNull(when);
		if (timing != null && !List.of("now", "period_end").contains(timing)) {
			redirect.addFlashAttribute("error", "Choose when the change happens: now or at the period's end.");
			return "redirect:" + path(id);
		}
		return act(id, redirect,
				() -> subscriptions.changePlan(id, plan.strip(), SubscriptionService.When.of(timing), force),
				"Plan change to " + plan + " made.");
	}

	@PostMapping("/console/customers/{id}/sessions")
	String endSessions(@PathVariable String id, @RequestParam(defaultValue = "") String confirm,
			RedirectAttributes redirect) {
		customers.get(id);
		var account = accounts.ofCustomer(id);
		if (account.isEmpty()) {
			redirect.addFlashAttribute("error", "This customer has no account that signs in: no session to end.");
			return "redirect:" + path(id);
		}
		if (!"yes".equals(confirm)) {
			redirect.addFlashAttribute("error", "Tick the confirmation to end the sessions.");
			return "redirect:" + path(id);
		}
		return act(id, redirect, () -> {
			var ended = accounts.revokeSessions(account.get().id());
			redirect.addFlashAttribute("notice", "Sessions of " + account.get().login() + " ended: " + ended
					+ (ended == 1 ? " session" : " sessions") + ". Its access tokens no longer work.");
		}, null);
	}

	@PostMapping("/console/customers/{id}/sessions/{sessionId}/end")
	String endSession(@PathVariable String id, @PathVariable String sessionId, RedirectAttributes redirect) {
		customers.get(id);
		var account = accounts.ofCustomer(id);
		UUID session;
		try {
			session = UUID.fromString(sessionId);
		}
		catch (IllegalArgumentException ex) {
			session = null;
		}
		if (account.isEmpty() || session == null) {
			redirect.addFlashAttribute("error", "No such session of this customer's account: it may have ended.");
			return "redirect:" + path(id);
		}
		var ending = session;
		return act(id, redirect, () -> accounts.revokeSession(account.get().id(), ending),
				"Session of " + account.get().login() + " ended. Its access tokens no longer work.");
	}

	/**
	 * Views as the customer's end user: opens the portal in this session as that account,
	 * with a banner on every page until it ends; read-only unless an admin asks for
	 * changes.
	 */
	@PostMapping("/console/customers/{id}/view-as")
	String viewAs(@PathVariable String id, @RequestParam(defaultValue = "") String reason,
			@RequestParam(defaultValue = "read_only") String mode, HttpServletRequest request,
			RedirectAttributes redirect) {
		customers.get(id);
		if (reason.isBlank()) {
			redirect.addFlashAttribute("error", "Say why you view as this customer's user: the reason is audited.");
			return "redirect:" + path(id);
		}
		try {
			PortalViewers.open(request, impersonation.start(id, reason.strip(), mode));
		}
		catch (PlangateException ex) {
			if (ex.code() == ErrorCode.CUSTOMER_NOT_FOUND) {
				throw ex;
			}
			redirect.addFlashAttribute("error", ex.getMessage());
			return "redirect:" + path(id);
		}
		return "redirect:/portal";
	}

	@PostMapping("/console/customers/{id}/rate-limits")
	String clearRateLimits(@PathVariable String id, @RequestParam(defaultValue = "") String confirm,
			RedirectAttributes redirect) {
		customers.get(id);
		if (!"yes".equals(confirm)) {
			redirect.addFlashAttribute("error", "Tick the confirmation to clear the rate limits.");
			return "redirect:" + path(id);
		}
		return act(id, redirect, () -> {
			var cleared = enforcement.resetRateLimits(id, List.of());
			redirect.addFlashAttribute("notice",
					cleared.isEmpty() ? "The catalog has no rate feature: nothing to clear."
							: "Rate limits cleared: " + String.join(", ", cleared) + ".");
		}, null);
	}

	@PostMapping("/console/customers/{id}/overrides")
	String setOverride(@PathVariable String id, @RequestParam(defaultValue = "") String feature,
			@RequestParam(defaultValue = "") String value, @RequestParam(defaultValue = "") String reason,
			RedirectAttributes redirect) {
		customers.get(id);
		var key = feature.strip();
		var why = reason.strip();
		String refusal = null;
		if (key.isEmpty() || catalog.findFeature(key).isEmpty()) {
			refusal = "Choose a feature of the catalog.";
		}
		else if (value.isBlank() || value.length() > 200) {
			refusal = "Enter the value: on or off, a number, unlimited, or one of the setting's values.";
		}
		else if (why.isEmpty() || why.length() > MAX_REASON) {
			refusal = "Give the reason for the override (at most " + MAX_REASON + " characters).";
		}
		if (refusal != null) {
			redirect.addFlashAttribute("error", refusal);
			return "redirect:" + path(id) + "#overrides-heading";
		}
		return act(id, redirect, () -> customers.setOverride(id, key, overrideValue(value.strip()), why),
				"Override of " + key + " set.") + "#overrides-heading";
	}

	/**
	 * The form's text as the catalog file would write it: on and off as booleans, whole
	 * numbers as numbers, anything else (unlimited, a setting's value) as text.
	 */
	private static JsonNode overrideValue(String text) {
		var nodes = JsonNodeFactory.instance;
		return switch (text.toLowerCase(java.util.Locale.ROOT)) {
			case "on", "true" -> nodes.booleanNode(true);
			case "off", "false" -> nodes.booleanNode(false);
			default -> {
				if (INTEGER.matcher(text).matches()) {
					try {
						yield nodes.numberNode(Long.parseLong(text));
					}
					catch (NumberFormatException ex) {
						yield nodes.stringNode(text);
					}
				}
				yield nodes.stringNode(text);
			}
		};
	}

	@PostMapping("/console/customers/{id}/overrides/{feature}/remove")
	String removeOverride(@PathVariable String id, @PathVariable String feature, RedirectAttributes redirect) {
		return act(id, redirect, () -> customers.removeOverride(id, feature), "Override of " + feature + " removed.")
				+ "#overrides-heading";
	}

	@PostMapping("/console/customers/{id}/grants")
	String addGrant(@PathVariable String id, @RequestParam(defaultValue = "") String feature,
			@RequestParam(defaultValue = "") String amount, @RequestParam(defaultValue = "") String expires,
			@RequestParam(defaultValue = "") String reason, RedirectAttributes redirect) {
		customers.get(id);
		var key = feature.strip();
		var why = reason.strip();
		Long units = null;
		var given = amount.strip().replace(",", "");
		if (INTEGER.matcher(given).matches()) {
			try {
				units = Long.parseLong(given);
			}
			catch (NumberFormatException ex) {
				units = null;
			}
		}
		Instant expiresAt = null;
		String refusal = null;
		if (key.isEmpty() || catalog.findFeature(key).isEmpty()) {
			refusal = "Choose a feature of the catalog.";
		}
		else if (units == null || units < 1 || units > MAX_GRANT) {
			refusal = "Enter the amount: a whole number from 1 to 1,000,000,000,000,000,000.";
		}
		else if (why.isEmpty() || why.length() > MAX_REASON) {
			refusal = "Give the reason for the grant (at most " + MAX_REASON + " characters).";
		}
		else if (!expires.isBlank()) {
			try {
				expiresAt = LocalDate.parse(expires.strip()).atStartOfDay().toInstant(ZoneOffset.UTC);
			}
			catch (DateTimeParseException ex) {
				refusal = "Enter the expiry as a date (YYYY-MM-DD), or leave it empty for a grant that does not expire.";
			}
		}
		if (refusal != null) {
			redirect.addFlashAttribute("error", refusal);
			return "redirect:" + path(id) + "#grants-heading";
		}
		long granted = units;
		var until = expiresAt;
		return act(id, redirect, () -> parts.grants().create(id, key, granted, why, null, until),
				"Grant of " + granted + " " + key + " added.") + "#grants-heading";
	}

	@PostMapping("/console/customers/{id}/grants/{grant}/revoke")
	String revokeGrant(@PathVariable String id, @PathVariable String grant, RedirectAttributes redirect) {
		customers.get(id);
		UUID grantId;
		try {
			grantId = UUID.fromString(grant);
		}
		catch (IllegalArgumentException ex) {
			redirect.addFlashAttribute("error", "This customer has no such grant.");
			return "redirect:" + path(id) + "#grants-heading";
		}
		return act(id, redirect, () -> parts.grants().revoke(id, grantId), "Grant revoked.") + "#grants-heading";
	}

	@PostMapping("/console/customers/{id}/delete")
	String delete(@PathVariable String id, @RequestParam(defaultValue = "") String confirm,
			@RequestParam(defaultValue = "") String reason, RedirectAttributes redirect) {
		var customer = customers.get(id);
		var why = reason.strip();
		String refusal = null;
		if (customer.status() == CustomerStatus.DELETED) {
			refusal = "This customer is already deleted.";
		}
		else if (!id.equals(confirm.strip())) {
			refusal = "Type the customer's id to confirm the deletion.";
		}
		else if (why.isEmpty() || why.length() > MAX_REASON) {
			refusal = "Give the reason for the deletion (at most " + MAX_REASON + " characters).";
		}
		if (refusal != null) {
			redirect.addFlashAttribute("error", refusal);
			return "redirect:" + path(id) + "#delete-heading";
		}
		try {
			customers.delete(id, why);
		}
		catch (PlangateException ex) {
			if (ex.code() == ErrorCode.CUSTOMER_NOT_FOUND) {
				throw ex;
			}
			redirect.addFlashAttribute("error", ex.getMessage());
			return "redirect:" + path(id);
		}
		redirect.addFlashAttribute("notice",
				"Customer " + id + " deleted. Its id stays taken; its subscription ended.");
		return "redirect:/console/customers";
	}

	/**
	 * @param done the notice, unless the change sets its own
	 */
	private String act(String id, RedirectAttributes redirect, Runnable change, @Nullable String done) {
		customers.get(id);
		try {
			change.run();
			if (done != null) {
				redirect.addFlashAttribute("notice", done);
			}
		}
		catch (PlangateException ex) {
			if (ex.code() == ErrorCode.CUSTOMER_NOT_FOUND) {
				throw ex;
			}
			redirect.addFlashAttribute("error", ex.getMessage());
		}
		return "redirect:" + path(id);
	}

	private static String path(String id) {
		return UriComponentsBuilder.fromPath("/console/customers/{id}").buildAndExpand(id).encode().toUriString();
	}

	private static @Nullable String blankToNull(@Nullable String text) {
		return text == null || text.isBlank() ? null : text.strip();
	}

}

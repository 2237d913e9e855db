package dev.plangate.console;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

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
import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.Plan;
import dev.plangate.customer.CustomerService;
import dev.plangate.customer.CustomerStatus;
import dev.plangate.enforcement.EnforcementService;
import dev.plangate.identity.OperatorAdministration;
import dev.plangate.identity.OperatorImpersonation;
import dev.plangate.metering.UsageViews;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.SubscriptionService;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The customers: a search as {@code GET /v1/customers} has it, one customer's page, and
 * the changes an admin makes there, and the sessions ended and rate limits cleared by
 * support and up, each through the same service (and so the same checks and audit
 * records) as the API's.
 */
@Controller
@Hidden
class CustomerPagesController {

	private static final int PAGE = 50;

	private final CustomerService customers;

	private final SubscriptionService subscriptions;

	private final UsageViews usage;

	private final AuditLog audit;

	private final CatalogService catalog;

	private final OperatorAdministration accounts;

	private final EnforcementService enforcement;

	private final OperatorImpersonation impersonation;

	CustomerPagesController(CustomerService customers, SubscriptionService subscriptions, UsageViews usage,
			AuditLog audit, CatalogService catalog, OperatorAdministration accounts, EnforcementService enforcement,
			OperatorImpersonation impersonation) {
		this.impersonation = impersonation;
		this.customers = customers;
		this.subscriptions = subscriptions;
		this.usage = usage;
		this.audit = audit;
		this.catalog = catalog;
		this.accounts = accounts;
		this.enforcement = enforcement;
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
		model.addAttribute("customer", customer);
		model.addAttribute("mayChange", operator.mayChange());
		model.addAttribute("account", accounts.ofCustomer(id).orElse(null));
		if (customer.status() != CustomerStatus.DELETED) {
			var entitlements = subscriptions.entitlements(id);
			model.addAttribute("subscription", entitlements.subscription());
			model.addAttribute("entitlements", entitlements.features().values());
			model.addAttribute("usage", usage.of(id));
			var history = new ArrayList<>(subscriptions.history(id));
			Collections.reverse(history);
			model.addAttribute("history", history);
		}
		model.addAttribute("audit", audit.list("customer", id, null, 25).data());
		model.addAttribute("plans", catalog.plans().stream().filter(Plan::isActive).toList());
		return "console/customer";
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
			PortalController.open(request, impersonation.start(id, reason.strip(), mode));
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

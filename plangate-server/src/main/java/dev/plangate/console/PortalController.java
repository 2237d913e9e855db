package dev.plangate.console;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;
import org.springframework.web.util.UriComponentsBuilder;

import dev.plangate.alert.UsageAlerts;
import dev.plangate.billing.PortalBilling;
import dev.plangate.catalog.CatalogService;
import dev.plangate.catalog.Plan;
import dev.plangate.catalog.PlanView;
import dev.plangate.identity.OperatorImpersonation;
import dev.plangate.metering.UsageViews;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.SubscriptionService;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The portal's plan pages, for an account signed in at {@code /portal/login} or a visitor
 * arriving from the product's app with a customer-scoped token ({@code /portal?token=…}:
 * the token is checked, kept in a new session and checked again on each visit until it
 * expires, and taken out of the address at once). An operator viewing as the end user (an
 * impersonation token, from a customer's console page or the API) sees a banner saying so
 * on every page, may end it there, and each page shown is audited; a read-only one
 * changes nothing.
 */
@Controller
@Hidden
class PortalController {

	static final String DENIED = "/portal/denied";

	private static final int ALERTS_SHOWN = 10;

	private static final int INVOICES_SHOWN = 24;

	private final PortalViewers viewers;

	private final SubscriptionService subscriptions;

	private final UsageViews usage;

	private final UsageAlerts alerts;

	private final CatalogService catalog;

	private final PortalSettings settings;

	private final Formats formats;

	private final PortalBilling billing;

	private final OperatorImpersonation impersonations;

	PortalController(PortalViewers viewers, SubscriptionService subscriptions, UsageViews usage, UsageAlerts alerts,
			CatalogService catalog, PortalSettings settings, Formats formats, PortalBilling billing,
			OperatorImpersonation impersonations) {
		this.impersonations = impersonations;
		this.formats = formats;
		this.billing = billing;
		this.viewers = viewers;
		this.subscriptions = subscriptions;
		this.usage = usage;
		this.alerts = alerts;
		this.catalog = catalog;
		this.settings = settings;
	}

	@GetMapping({ "/portal", "/portal/" })
	String portal(@RequestParam(required = false) @Nullable String token, HttpServletRequest request,
			HttpServletResponse response, Model model) {
		if (token != null) {
			return viewers.arrive(token, request) ? "redirect:/portal" : closed(response, model);
		}
		var viewer = viewer(request, model);
		if (viewer == null) {
			return closed(response, model);
		}
		var entitlements = subscriptions.entitlements(viewer.customerId());
		model.addAttribute("viewer", viewer);
		model.addAttribute("subscription", entitlements.subscription());
		model.addAttribute("active", entitlements.active());
		model.addAttribute("includes", entitlements.features().values());
		model.addAttribute("usage", usage.of(viewer.customerId()));
		model.addAttribute("alerts", alerts.list(viewer.customerId(), null, null, ALERTS_SHOWN).data());
		return "portal/usage";
	}

	/**
	 * One row of the plans table: a feature and what each plan gives of it.
	 */
	record Row(String name, List<String> values) {
	}

	@GetMapping("/portal/plans")
	String plans(@RequestParam(required = false) @Nullable String paid, HttpServletRequest request,
			HttpServletResponse response, Model model) {
		var viewer = viewer(request, model);
		if (viewer == null) {
			return closed(response, model);
		}
		var features = catalog.featuresByKey();
		var plans = catalog.plans()
			.stream()
			.filter(Plan::isActive)
			.map(p -> PlanView.of(p, features))
			.sorted(Comparator.comparingLong((PlanView p) -> p.price().amount()).thenComparing(PlanView::key))
			.toList();
		var rows = new ArrayList<Row>();
		for (var feature : catalog.features()) {
			if (plans.stream().noneMatch(p -> p.entitlements().containsKey(feature.key()))) {
				continue;
			}
			rows.add(new Row(feature.name(),
					plans.stream().map(p -> formats.offer(p.entitlements().get(feature.key()))).toList()));
		}
		var view = usage.of(viewer.customerId());
		model.addAttribute("viewer", viewer);
		model.addAttribute("plans", plans);
		model.addAttribute("rows", rows);
		model.addAttribute("current", subscriptions.view(viewer.customerId()).plan().key());
		model.addAttribute("recommended", view.recommendedPlan());
		model.addAttribute("billing", billing.enabled());
		if (paid != null) {
			model.addAttribute("notice", "Thank you: your new plan starts as soon as the payment is confirmed.");
		}
		return "portal/plans";
	}

	/**
	 * A plan change goes through payment: Stripe Checkout for a paid plan, when the
	 * deployment takes payments. The API lets no end user change its plan otherwise.
	 */
	@PostMapping("/portal/plans/checkout")
	String checkout(@RequestParam(defaultValue = "") String plan, HttpServletRequest request,
			HttpServletResponse response, Model model, RedirectAttributes flash) {
		var viewer = viewer(request, model);
		if (viewer == null) {
			return closed(response, model);
		}
		if (viewer.readOnly()) {
			return readOnly(viewer, request, response, model);
		}
		if (!billing.enabled()) {
			flash.addFlashAttribute("error", "Plan changes are made in your app.");
			return "redirect:/portal/plans";
		}
		if (plan.isBlank() || plan.length() > 64) {
			flash.addFlashAttribute("error", "Choose a plan.");
			return "redirect:/portal/plans";
		}
		var here = ServletUriComponentsBuilder.fromContextPath(request).path("/portal/plans").toUriString();
		try {
			return "redirect:" + billing.checkout(viewer.customerId(), plan, here + "?paid", here);
		}
		catch (PlangateException ex) {
			flash.addFlashAttribute("error", refusal(ex, plan));
			return "redirect:/portal/plans";
		}
	}

	@PostMapping("/portal/billing")
	String billingPortal(HttpServletRequest request, HttpServletResponse response, Model model,
			RedirectAttributes flash) {
		var viewer = viewer(request, model);
		if (viewer == null) {
			return closed(response, model);
		}
		if (viewer.readOnly()) {
			return readOnly(viewer, request, response, model);
		}
		if (!billing.enabled()) {
			flash.addFlashAttribute("error", "Payments are not taken here: your app bills your plan.");
			return "redirect:/portal/invoices";
		}
		var back = ServletUriComponentsBuilder.fromContextPath(request).path("/portal/invoices").toUriString();
		try {
			return "redirect:" + billing.billingPortal(viewer.customerId(), back);
		}
		catch (PlangateException ex) {
			flash.addFlashAttribute("error", refusal(ex, null));
			return "redirect:/portal/invoices";
		}
	}

	/**
	 * What an end user is told of a refused payment: the API's details speak to the
	 * product's developers (endpoints, customer ids), so the portal says it in its own
	 * words; Stripe's refusals and outages keep theirs.
	 */
	static String refusal(PlangateException ex, @Nullable String plan) {
		return switch (ex.code()) {
			case UNKNOWN_PLAN -> "There is no such plan: choose one of the plans below.";
			case PLAN_ARCHIVED -> "Plan '" + plan + "' is no longer offered: choose one of the plans below.";
			case PLAN_NOT_FOR_SALE -> "Plan '" + plan + "' is free: it needs no payment, your app moves you to it.";
			case ALREADY_SUBSCRIBED ->
				"You already pay for a plan: change it under Billing, with Manage payment " + "method and plan.";
			case NO_BILLING_CUSTOMER -> "Payment methods and plans are managed here once you have paid for a plan: "
					+ "choose one under Plans.";
			default -> ex.getMessage();
		};
	}

	@GetMapping("/portal/invoices")
	String invoices(HttpServletRequest request, HttpServletResponse response, Model model) {
		var viewer = viewer(request, model);
		if (viewer == null) {
			return closed(response, model);
		}
		model.addAttribute("viewer", viewer);
		model.addAttribute("billing", billing.enabled());
		model.addAttribute("invoices", billing.invoices(viewer.customerId(), INVOICES_SHOWN));
		return "portal/invoices";
	}

	/**
	 * The accent colour as a stylesheet: the pages' policy lets no inline style in, so
	 * the colour comes from this origin like the rest.
	 */
	@GetMapping(path = "/portal/brand.css", produces = "text/css")
	ResponseEntity<String> brand() {
		var accent = settings.accentColor();
		var css = accent == null ? "/* no accent colour set: plangate.portal.accent-color */\n"
				: "@media (prefers-color-scheme: light) {\n  :root { --accent: " + accent + "; --accent-text: "
						+ textOn(accent) + "; }\n}\n";
		return ResponseEntity.ok()
			.contentType(MediaType.valueOf("text/css"))
			.cacheControl(CacheControl.noCache())
			.body(css);
	}

	/** Black or white, whichever reads better on the colour (WCAG relative luminance). */
	static String textOn(String hex) {
		double r = channel(Integer.parseInt(hex.substring(1, 3), 16));
		double g = channel(Integer.parseInt(hex.substring(3, 5), 16));
		double b = channel(Integer.parseInt(hex.substring(5, 7), 16));
		double luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
		return (luminance + 0.05) / 0.05 > 1.05 / (luminance + 0.05) ? "#000000" : "#ffffff";
	}

	private static double channel(int value) {
		double c = value / 255.0;
		return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
	}

	@RequestMapping(DENIED)
	String denied(HttpServletResponse response, Model model) {
		response.setStatus(HttpStatus.FORBIDDEN.value());
		model.addAttribute("status", 403);
		model.addAttribute("title", "Not allowed");
		model.addAttribute("detail", "The form was out of date or not this page's: open the page again and retry.");
		return "portal/error";
	}

	/**
	 * Who is looking, or null; a page shown to an operator viewing as the end user is
	 * audited, and carries the banner.
	 */
	private PortalViewers.@Nullable Viewer viewer(HttpServletRequest request, Model model) {
		var viewer = viewers.current(request).orElse(null);
		var viewingAs = viewer == null ? null : viewer.viewingAs();
		if (viewingAs != null) {
			boolean change = !"GET".equals(request.getMethod());
			// a change refused as read-only is recorded with its refusal (readOnly)
			if (!(change && viewingAs.readOnly())) {
				impersonations.recordVisit(viewingAs, request.getMethod(), request.getRequestURI(),
						change ? HttpStatus.SEE_OTHER.value() : HttpStatus.OK.value(), request.getRemoteAddr());
			}
			model.addAttribute("viewingAs", viewingAs);
		}
		return viewer;
	}

	/**
	 * Ends the impersonation this session views with, on every node, and leaves the
	 * portal for the customer's console page.
	 */
	@PostMapping("/portal/impersonation/end")
	String end(HttpServletRequest request, HttpServletResponse response, Model model, RedirectAttributes redirect) {
		var session = request.getSession(false);
		if (session == null || !(session.getAttribute(PortalViewers.VISITOR) instanceof PortalViewers.Visitor visitor)
				|| visitor.viewingAs() == null) {
			return closed(response, model);
		}
		var viewingAs = visitor.viewingAs();
		impersonations.end(viewingAs.id(), request.getRemoteAddr());
		session.removeAttribute(PortalViewers.VISITOR);
		redirect.addFlashAttribute("notice", "Viewing as " + viewingAs.accountLogin() + " ended.");
		return "redirect:" + UriComponentsBuilder.fromPath("/console/customers/{id}")
			.buildAndExpand(viewingAs.customerId())
			.encode()
			.toUriString();
	}

	/**
	 * A change the portal has no page for; under a read-only impersonation it is refused
	 * first, so that a change added later cannot forget it.
	 */
	@RequestMapping(path = "/portal/**",
			method = { RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE })
	String change(HttpServletRequest request, HttpServletResponse response, Model model) {
		var viewer = viewers.current(request).orElse(null);
		if (viewer != null && viewer.readOnly()) {
			return readOnly(viewer, request, response, model);
		}
		response.setStatus(HttpStatus.NOT_FOUND.value());
		model.addAttribute("status", 404);
		model.addAttribute("title", "Not found");
		model.addAttribute("detail", "The portal has no such page.");
		return "portal/error";
	}

	/** A change refused under a read-only impersonation, audited. */
	private String readOnly(PortalViewers.Viewer viewer, HttpServletRequest request, HttpServletResponse response,
			Model model) {
		var viewingAs = Objects.requireNonNull(viewer.viewingAs());
		impersonations.recordVisit(viewingAs, request.getMethod(), request.getRequestURI(),
				HttpStatus.FORBIDDEN.value(), request.getRemoteAddr());
		response.setStatus(HttpStatus.FORBIDDEN.value());
		model.addAttribute("status", 403);
		model.addAttribute("title", "Read-only");
		model.addAttribute("detail", "You view as " + viewingAs.accountLogin()
				+ " read-only (impersonation_read_only): nothing can be changed.");
		return "portal/error";
	}

	static String closed(HttpServletResponse response, Model model) {
		response.setStatus(HttpStatus.UNAUTHORIZED.value());
		model.addAttribute("status", 401);
		model.addAttribute("title", "Open this page from your app");
		model.addAttribute("detail",
				"This page shows your plan and usage when you open it from the link in your app, or once you sign "
						+ "in with your account. The link may have expired: open it again from the app.");
		model.addAttribute("signIn", true);
		return "portal/error";
	}

}

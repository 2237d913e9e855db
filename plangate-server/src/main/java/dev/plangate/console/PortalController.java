package dev.plangate.console;

import java.io.Serializable;
import java.time.Clock;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

import dev.plangate.identity.CustomerTokenCheck;
import dev.plangate.identity.OperatorImpersonation;
import dev.plangate.metering.UsageViews;
import dev.plangate.subscription.SubscriptionService;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The portal: an end user's own usage page, opened from a link of the product's app
 * carrying a customer-scoped token ({@code /portal?token=…}). The token is checked, kept
 * in a new session (and checked again on each visit) until it expires, and taken out of
 * the address at once. An operator viewing as the end user (an impersonation token, from
 * a customer's console page or the API) sees a banner saying so on every page, may end it
 * there, and each page shown is audited; a read-only one changes nothing.
 */
@Controller
@Hidden
class PortalController {

	static final String VISITOR = PortalController.class.getName() + ".visitor";

	private final CustomerTokenCheck tokens;

	private final SubscriptionService subscriptions;

	private final UsageViews usage;

	private final Clock clock;

	private final OperatorImpersonation impersonations;

	PortalController(CustomerTokenCheck tokens, SubscriptionService subscriptions, UsageViews usage, Clock clock,
			OperatorImpersonation impersonations) {
		this.impersonations = impersonations;
		this.tokens = tokens;
		this.subscriptions = subscriptions;
		this.usage = usage;
		this.clock = clock;
	}

	/**
	 * Whose page this session shows, until when, and the token that opened it, checked
	 * again on each visit.
	 */
	record Visitor(String customerId, Instant until, String token,
			OperatorImpersonation.@Nullable ViewingAs viewingAs) implements Serializable {

		/** Without the token. */
		@Override
		public String toString() {
			return "Visitor[customerId=" + customerId + ", until=" + until + ", viewingAs=" + viewingAs + "]";
		}

		boolean readOnly() {
			return viewingAs != null && viewingAs.readOnly();
		}

	}

	/**
	 * Opens the portal as the end user an operator views as (from the console's "View
	 * as"), in this session.
	 */
	static void open(HttpServletRequest request, OperatorImpersonation.Started started) {
		var session = request.getSession();
		request.changeSessionId();
		session.setAttribute(VISITOR, new Visitor(started.viewingAs().customerId(), started.viewingAs().expiresAt(),
				started.token(), started.viewingAs()));
	}

	@GetMapping({ "/portal", "/portal/" })
	String portal(@RequestParam(required = false) @Nullable String token, HttpServletRequest request,
			HttpServletResponse response, Model model) {
		if (token != null) {
			var holder = token.length() > 4096 ? null : tokens.check(token).orElse(null);
			if (holder == null) {
				return closed(response, model);
			}
			var session = request.getSession();
			request.changeSessionId();
			session.setAttribute(VISITOR,
					new Visitor(holder.customerId(), holder.expiresAt(), token, holder.viewingAs()));
			return "redirect:/portal";
		}
		var session = request.getSession(false);
		if (session == null || !(session.getAttribute(VISITOR) instanceof Visitor visitor)) {
			return closed(response, model);
		}
		// a token revoked since (its customer suspended or deleted) closes the page too
		if (!clock.instant().isBefore(visitor.until()) || tokens.check(visitor.token()).isEmpty()) {
			session.invalidate();
			return closed(response, model);
		}
		var viewingAs = visitor.viewingAs();
		if (viewingAs != null) {
			impersonations.recordVisit(viewingAs, "GET", "/portal", HttpStatus.OK.value(), request.getRemoteAddr());
			model.addAttribute("viewingAs", viewingAs);
		}
		var entitlements = subscriptions.entitlements(visitor.customerId());
		model.addAttribute("subscription", entitlements.subscription());
		model.addAttribute("active", entitlements.active());
		model.addAttribute("usage", usage.of(visitor.customerId()));
		return "portal/usage";
	}

	/**
	 * Ends the impersonation this session views with, on every node, and leaves the
	 * portal for the customer's console page.
	 */
	@PostMapping("/portal/impersonation/end")
	String end(HttpServletRequest request, HttpServletResponse response, Model model, RedirectAttributes redirect) {
		var session = request.getSession(false);
		if (session == null || !(session.getAttribute(VISITOR) instanceof Visitor visitor)
				|| visitor.viewingAs() == null) {
			return closed(response, model);
		}
		var viewingAs = visitor.viewingAs();
		impersonations.end(viewingAs.id(), request.getRemoteAddr());
		session.removeAttribute(VISITOR);
		redirect.addFlashAttribute("notice", "Viewing as " + viewingAs.accountLogin() + " ended.");
		return "redirect:" + UriComponentsBuilder.fromPath("/console/customers/{id}")
			.buildAndExpand(viewingAs.customerId())
			.encode()
			.toUriString();
	}

	/**
	 * The portal's changes: none is mapped yet; under a read-only impersonation any is
	 * refused first, so that one added later cannot forget it.
	 */
	@RequestMapping(path = "/portal/**",
			method = { RequestMethod.POST, RequestMethod.PUT, RequestMethod.PATCH, RequestMethod.DELETE })
	String change(HttpServletRequest request, HttpServletResponse response, Model model) {
		var session = request.getSession(false);
		if (session != null && session.getAttribute(VISITOR) instanceof Visitor visitor && visitor.readOnly()
				&& visitor.viewingAs() != null) {
			impersonations.recordVisit(visitor.viewingAs(), request.getMethod(), request.getRequestURI(),
					HttpStatus.FORBIDDEN.value(), request.getRemoteAddr());
			response.setStatus(HttpStatus.FORBIDDEN.value());
			model.addAttribute("status", 403);
			model.addAttribute("title", "Read-only");
			model.addAttribute("detail", "You view as " + visitor.viewingAs().accountLogin()
					+ " read-only (impersonation_read_only): nothing can be changed.");
			return "console/error";
		}
		response.setStatus(HttpStatus.NOT_FOUND.value());
		model.addAttribute("status", 404);
		model.addAttribute("title", "Not found");
		model.addAttribute("detail", "The portal has no such page.");
		return "console/error";
	}

	private static String closed(HttpServletResponse response, Model model) {
		response.setStatus(HttpStatus.UNAUTHORIZED.value());
		model.addAttribute("status", 401);
		model.addAttribute("title", "Open this page from your app");
		model.addAttribute("detail",
				"This page shows your plan and usage when you open it from the link in your app. The link may have "
						+ "expired: open it again from the app.");
		return "console/error";
	}

}

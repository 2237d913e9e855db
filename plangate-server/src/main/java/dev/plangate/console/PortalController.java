package dev.plangate.console;

import java.io.Serializable;
import java.time.Clock;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

import dev.plangate.identity.CustomerTokenCheck;
import dev.plangate.metering.UsageViews;
import dev.plangate.subscription.SubscriptionService;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The portal: an end user's own usage page, opened from a link of the product's app
 * carrying a customer-scoped token ({@code /portal?token=…}). The token is checked, kept
 * in a new session (and checked again on each visit) until it expires, and taken out of
 * the address at once.
 */
@Controller
@Hidden
class PortalController {

	static final String VISITOR = PortalController.class.getName() + ".visitor";

	private final CustomerTokenCheck tokens;

	private final SubscriptionService subscriptions;

	private final UsageViews usage;

	private final Clock clock;

	PortalController(CustomerTokenCheck tokens, SubscriptionService subscriptions, UsageViews usage, Clock clock) {
		this.tokens = tokens;
		this.subscriptions = subscriptions;
		this.usage = usage;
		this.clock = clock;
	}

	/**
	 * Whose page this session shows, until when, and the token that opened it, checked
	 * again on each visit.
	 */
	record Visitor(String customerId, Instant until, String token) implements Serializable {

		/** Without the token. */
		@Override
		public String toString() {
			return "Visitor[customerId=" + customerId + ", until=" + until + "]";
		}

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
			session.setAttribute(VISITOR, new Visitor(holder.customerId(), holder.expiresAt(), token));
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
		var entitlements = subscriptions.entitlements(visitor.customerId());
		model.addAttribute("subscription", entitlements.subscription());
		model.addAttribute("active", entitlements.active());
		model.addAttribute("usage", usage.of(visitor.customerId()));
		return "portal/usage";
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

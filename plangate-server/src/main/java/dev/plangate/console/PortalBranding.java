package dev.plangate.console;

import java.io.IOException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The product's brand on every portal page ({@link PortalSettings}), and the portal's
 * Content-Security-Policy: the console's, but for a logo's origin among the images.
 */
@ControllerAdvice(assignableTypes = { PortalController.class, PortalAccountController.class })
class PortalBranding {

	private final PortalSettings settings;

	PortalBranding(PortalSettings settings) {
		this.settings = settings;
	}

	@ModelAttribute("brand")
	PortalSettings brand() {
		return settings;
	}

	/** For the portal's pages: as the console's, with the logo's origin for images. */
	static String policy(PortalSettings settings) {
		var logo = settings.logoSource();
		return "default-src 'self'; img-src 'self' data:" + (logo == null ? "" : " " + logo)
				+ "; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
	}

	/**
	 * Sets the portal's policy after the security headers filter set the console's, on
	 * every answer under {@code /portal} (its errors too).
	 */
	@Component
	@Order(Ordered.HIGHEST_PRECEDENCE + 1)
	static class PolicyFilter extends OncePerRequestFilter {

		private final String policy;

		PolicyFilter(PortalSettings settings) {
			this.policy = policy(settings);
		}

		@Override
		protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
				throws ServletException, IOException {
			var uri = request.getRequestURI();
			if (uri != null && (uri.equals("/portal") || uri.startsWith("/portal/"))) {
				response.setHeader("Content-Security-Policy", policy);
			}
			chain.doFilter(request, response);
		}

		@Override
		protected boolean shouldNotFilterErrorDispatch() {
			return false;
		}

	}

}

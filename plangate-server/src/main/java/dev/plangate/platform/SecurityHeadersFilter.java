package dev.plangate.platform;

import java.io.IOException;

import org.jspecify.annotations.Nullable;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The security headers, set first on every response, so that answers written before or
 * outside the framework (a firewall rejection, an oversized body, a 401) carry them too.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class SecurityHeadersFilter extends OncePerRequestFilter {

	/** For JSON answers: nothing may be loaded, framed or submitted. */
	static final String API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

	/** For the Swagger UI pages: only this origin's scripts and styles. */
	static final String UI_POLICY = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
			+ "object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

	/**
	 * For the console's and the portal's pages: this origin's scripts, styles and images
	 * only, none inline, forms posted only here.
	 */
	static final String PAGE_POLICY = "default-src 'self'; img-src 'self' data:; object-src 'none'; "
			+ "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		write(request, response);
		chain.doFilter(request, response);
	}

	@Override
	protected boolean shouldNotFilterErrorDispatch() {
		return false;
	}

	/** A request line the container could not parse has no URI. */
	private static boolean isSwaggerUi(@Nullable String uri) {
		return uri != null && uri.startsWith("/swagger-ui");
	}

	private static boolean isPage(@Nullable String uri) {
		return uri != null && (uri.equals("/console") || uri.startsWith("/console/") || uri.equals("/portal")
				|| uri.startsWith("/portal/") || uri.startsWith("/webjars/"));
	}

	static void write(HttpServletRequest request, HttpServletResponse response) {
		response.setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
		response.setHeader("X-Content-Type-Options", "nosniff");
		response.setHeader("X-Frame-Options", "DENY");
		response.setHeader("Referrer-Policy", "no-referrer");
		response.setHeader("Content-Security-Policy", isSwaggerUi(request.getRequestURI()) ? UI_POLICY
				: isPage(request.getRequestURI()) ? PAGE_POLICY : API_POLICY);
	}

}

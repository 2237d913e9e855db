package dev.plangate.console;

import java.io.IOException;
import java.time.Clock;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.plangate.identity.PortalAccounts;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Ends a portal session that went idle too long, outlived its absolute timeout (the
 * console's), or whose Plangate session was ended elsewhere (signed out, revoked from
 * another device, the account suspended): the next request is sent to sign in again.
 */
class PortalSessionGuard extends OncePerRequestFilter {

	private final PortalAccounts accounts;

	private final ConsoleSettings settings;

	private final Clock clock;

	PortalSessionGuard(PortalAccounts accounts, ConsoleSettings settings, Clock clock) {
		this.accounts = accounts;
		this.settings = settings;
		this.clock = clock;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		var user = user(SecurityContextHolder.getContext().getAuthentication());
		var session = request.getSession(false);
		if (user != null && session != null) {
			var now = clock.instant();
			if (SessionTimeouts.passed(session, settings, now) || !accounts.isActive(user.sessionId())) {
				SecurityContextHolder.clearContext();
				session.invalidate();
				accounts.end(user.accountId(), user.sessionId(), "portal_timeout");
				response.sendRedirect(request.getContextPath() + PortalAccountController.LOGIN + "?expired");
				return;
			}
			SessionTimeouts.seen(session, now);
		}
		chain.doFilter(request, response);
	}

	static @Nullable PortalUser user(@Nullable Authentication authentication) {
		return authentication != null && authentication.getPrincipal() instanceof PortalUser user ? user : null;
	}

}

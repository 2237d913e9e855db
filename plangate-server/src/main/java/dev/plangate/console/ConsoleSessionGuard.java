package dev.plangate.console;

import java.io.IOException;
import java.time.Clock;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.authentication.logout.LogoutHandler;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.plangate.identity.OperatorSignIn;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;

/**
 * Ends a console session that went idle too long, outlived its absolute timeout, or whose
 * Plangate session was ended elsewhere (signed out, revoked by an administrator, the
 * account suspended): the next request finds itself signed out and is sent to sign in. A
 * page's live refresh (htmx polling a {@code …/live} fragment) is not the operator's
 * doing: it does not keep an idle session going, and once the session ended it is told to
 * load the sign-in page as a whole, which ends the polling.
 */
class ConsoleSessionGuard extends OncePerRequestFilter {

	private final OperatorSignIn operators;

	private final ConsoleSettings settings;

	private final Clock clock;

	ConsoleSessionGuard(OperatorSignIn operators, ConsoleSettings settings, Clock clock) {
		this.operators = operators;
		this.settings = settings;
		this.clock = clock;
	}

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		var operator = operator(SecurityContextHolder.getContext().getAuthentication());
		var session = request.getSession(false);
		if (operator != null && session != null) {
			var now = clock.instant();
			if (SessionTimeouts.passed(session, settings, now) || !operators.isActive(operator.sessionId())) {
				end(session, operator);
				if (isLiveRefresh(request)) {
					sendToSignIn(request, response, "?expired");
				}
				else {
					response.sendRedirect(request.getContextPath() + ConsoleSecurityConfiguration.LOGIN + "?expired");
				}
				return;
			}
			if (!isLiveRefresh(request)) {
				SessionTimeouts.seen(session, now);
			}
		}
		chain.doFilter(request, response);
	}

	/** An htmx request for a page's {@code …/live} fragment. */
	static boolean isLiveRefresh(HttpServletRequest request) {
		return "true".equals(request.getHeader("HX-Request")) && request.getRequestURI().endsWith("/live");
	}

	/**
	 * Answers a live refresh with 401 and {@code HX-Redirect}: htmx then loads the
	 * sign-in page in place of the whole page.
	 */
	static void sendToSignIn(HttpServletRequest request, HttpServletResponse response, String query) {
		response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
		response.setHeader("HX-Redirect", request.getContextPath() + ConsoleSecurityConfiguration.LOGIN + query);
	}

	private void end(HttpSession session, ConsoleOperator operator) {
		SecurityContextHolder.clearContext();
		session.invalidate();
		operators.end(operator.signedIn(), "console_timeout");
	}

	static @Nullable ConsoleOperator operator(@Nullable Authentication authentication) {
		return authentication != null && authentication.getPrincipal() instanceof ConsoleOperator operator ? operator
				: null;
	}

	/** Signing out of the console ends the Plangate session its sign-in started. */
	record EndPlangateSession(OperatorSignIn operators) implements LogoutHandler {

		@Override
		public void logout(HttpServletRequest request, HttpServletResponse response,
				@Nullable Authentication authentication) {
			var operator = operator(authentication);
			if (operator != null) {
				operators.end(operator.signedIn(), "logout");
			}
		}

	}

}

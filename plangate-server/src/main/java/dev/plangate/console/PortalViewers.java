package dev.plangate.console;

import java.io.Serializable;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import dev.plangate.identity.CustomerTokenCheck;
import dev.plangate.identity.OperatorImpersonation;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is looking at the portal: an account signed in at {@code /portal/login}, or a
 * visitor the product sent with a customer-scoped token, its token checked again on each
 * visit; or an operator viewing as the end user with an impersonation token (from a
 * customer's console page or the API).
 */
@Component
class PortalViewers {

	static final String VISITOR = PortalViewers.class.getName() + ".visitor";

	private final CustomerTokenCheck tokens;

	private final Clock clock;

	PortalViewers(CustomerTokenCheck tokens, Clock clock) {
		this.tokens = tokens;
		this.clock = clock;
	}

	/**
	 * The customer whose pages open, and the account when one is signed in (a token
	 * visitor has none: no sessions, second factor, keys or organizations).
	 */
	record Viewer(String customerId, @Nullable PortalUser account,
			OperatorImpersonation.@Nullable ViewingAs viewingAs) {

		public boolean signedIn() {
			return account != null;
		}

		/** Viewed by an operator as the end user, read-only: nothing may change. */
		public boolean readOnly() {
			return viewingAs != null && viewingAs.readOnly();
		}

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

	}

	/** Keeps a valid customer token in a new session; false for anything else. */
	boolean arrive(String token, HttpServletRequest request) {
		var holder = token.length() > 4096 ? null : tokens.check(token).orElse(null);
		if (holder == null) {
			return false;
		}
		var session = request.getSession();
		request.changeSessionId();
		SecurityContextHolder.clearContext();
		session.removeAttribute("SPRING_SECURITY_CONTEXT");
		session.setAttribute(VISITOR, new Visitor(holder.customerId(), holder.expiresAt(), token, holder.viewingAs()));
		return true;
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

	Optional<Viewer> current(HttpServletRequest request) {
		var user = PortalSessionGuard.user(SecurityContextHolder.getContext().getAuthentication());
		if (user != null) {
			return Optional.of(new Viewer(user.customerId(), user, null));
		}
		var session = request.getSession(false);
		if (session == null || !(session.getAttribute(VISITOR) instanceof Visitor visitor)) {
			return Optional.empty();
		}
		// a token revoked since (its customer suspended or deleted) closes the page too
		if (!clock.instant().isBefore(visitor.until()) || tokens.check(visitor.token()).isEmpty()) {
			session.invalidate();
			return Optional.empty();
		}
		return Optional.of(new Viewer(visitor.customerId(), null, visitor.viewingAs()));
	}

}

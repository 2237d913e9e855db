package dev.plangate.console;

import java.io.Serializable;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

import dev.plangate.identity.CustomerTokenCheck;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Who is looking at the portal: an account signed in at {@code /portal/login}, or a
 * visitor the product sent with a customer-scoped token, its token checked again on each
 * visit.
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
	record Viewer(String customerId, @Nullable PortalUser account) {

		public boolean signedIn() {
			return account != null;
		}

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
		session.setAttribute(VISITOR, new Visitor(holder.customerId(), holder.expiresAt(), token));
		return true;
	}

	Optional<Viewer> current(HttpServletRequest request) {
		var user = PortalSessionGuard.user(SecurityContextHolder.getContext().getAuthentication());
		if (user != null) {
			return Optional.of(new Viewer(user.customerId(), user));
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
		return Optional.of(new Viewer(visitor.customerId(), null));
	}

}

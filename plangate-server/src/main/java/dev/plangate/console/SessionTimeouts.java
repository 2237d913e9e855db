package dev.plangate.console;

import java.time.Instant;

import jakarta.servlet.http.HttpSession;

/**
 * The idle and absolute timeouts of a signed-in web session, the console's or the
 * portal's: the times they are counted from, kept in the session, and whether one has
 * passed.
 */
final class SessionTimeouts {

	static final String SIGNED_IN_AT = ConsoleSessionGuard.class.getName() + ".signedInAt";

	static final String LAST_SEEN = ConsoleSessionGuard.class.getName() + ".lastSeen";

	private SessionTimeouts() {
	}

	/**
	 * On sign-in: the session lives no longer than the idle timeout, counted from now.
	 */
	static void start(HttpSession session, ConsoleSettings settings, Instant now) {
		session.setMaxInactiveInterval((int) settings.idleTimeout().toSeconds());
		session.setAttribute(SIGNED_IN_AT, now);
		session.setAttribute(LAST_SEEN, now);
	}

	/** Whether the session went idle too long or outlived its absolute timeout. */
	static boolean passed(HttpSession session, ConsoleSettings settings, Instant now) {
		var signedInAt = (Instant) session.getAttribute(SIGNED_IN_AT);
		var lastSeen = (Instant) session.getAttribute(LAST_SEEN);
		return signedInAt == null || lastSeen == null || now.isAfter(lastSeen.plus(settings.idleTimeout()))
				|| now.isAfter(signedInAt.plus(settings.absoluteTimeout()));
	}

	/** A request of the user's own doing: the idle timeout counts from now. */
	static void seen(HttpSession session, Instant now) {
		session.setAttribute(LAST_SEEN, now);
	}

}

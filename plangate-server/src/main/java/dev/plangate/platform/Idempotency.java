package dev.plangate.platform;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** What a handler tells the Idempotency-Key support about its answer. */
public final class Idempotency {

	static final String REDACTED = Idempotency.class.getName() + ".redacted";

	static final String NEVER_KEPT = Idempotency.class.getName() + ".neverKept";

	private Idempotency() {
	}

	/**
	 * Keeps {@code redacted} instead of the real answer for replays: for answers holding
	 * a secret, which must be shown once and never stored.
	 */
	public static void replayInstead(Object redacted) {
		var attributes = RequestContextHolder.getRequestAttributes();
		if (attributes != null) {
			attributes.setAttribute(REDACTED, redacted, RequestAttributes.SCOPE_REQUEST);
		}
	}

	/**
	 * Keeps nothing of this answer: for answers whose secret is made for the request and
	 * has no redacted form worth replaying (sign-in tokens, a second factor's secret). A
	 * repeat of the request is handled again and makes a new one.
	 */
	public static void neverKeep() {
		var attributes = RequestContextHolder.getRequestAttributes();
		if (attributes != null) {
			attributes.setAttribute(NEVER_KEPT, Boolean.TRUE, RequestAttributes.SCOPE_REQUEST);
		}
	}

}

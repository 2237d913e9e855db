package dev.plangate.platform;

import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.context.request.RequestContextHolder;

/** What a handler tells the Idempotency-Key support about its answer. */
public final class Idempotency {

	static final String REDACTED = Idempotency.class.getName() + ".redacted";

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

}

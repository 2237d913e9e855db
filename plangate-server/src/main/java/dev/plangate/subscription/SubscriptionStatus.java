package dev.plangate.subscription;

import java.util.Locale;

public enum SubscriptionStatus {

	TRIALING, ACTIVE, PAST_DUE,
	/**
	 * The payment provider gave up collecting a renewal: the customer keeps the plan but
	 * may not use it.
	 */
	UNPAID, CANCELED, EXPIRED;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	static SubscriptionStatus of(String id) {
		return valueOf(id.toUpperCase(Locale.ROOT));
	}

	/** Whether the customer may use what its plan grants. */
	public boolean isLive() {
		return this == TRIALING || this == ACTIVE || this == PAST_DUE;
	}

}

package dev.plangate.subscription;

import java.util.Locale;

public enum SubscriptionStatus {

	TRIALING, ACTIVE, PAST_DUE,
	/**
	 * The payment provider gave up collecting a renewal: the customer keeps the plan but
	 * may not use it.
	 */
	UNPAID, CANCELED, EXPIRED,
	/**
	 * The payment provider waits for the first payment of a new subscription: the
	 * customer stays on the plan it had, whose entitlements it keeps, until the payment
	 * goes through.
	 */
	INCOMPLETE;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	static SubscriptionStatus of(String id) {
		return valueOf(id.toUpperCase(Locale.ROOT));
	}

	/**
	 * Whether the subscription runs: its periods roll, and what is scheduled for their
	 * ends happens.
	 */
	public boolean isLive() {
		return this == TRIALING || this == ACTIVE || this == PAST_DUE || this == INCOMPLETE;
	}

	/**
	 * Whether the customer may use what the plan its subscription is on grants (while
	 * {@link #INCOMPLETE}, that is the plan it had, not the one waiting for payment).
	 */
	public boolean grantsPlan() {
		return this == TRIALING || this == ACTIVE || this == PAST_DUE || this == INCOMPLETE;
	}

}

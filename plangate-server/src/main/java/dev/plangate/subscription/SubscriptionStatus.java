package dev.plangate.subscription;

import java.util.Locale;

public enum SubscriptionStatus {

	TRIALING, ACTIVE, PAST_DUE, CANCELED, EXPIRED;

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

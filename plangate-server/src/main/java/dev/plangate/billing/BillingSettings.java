package dev.plangate.billing;

import java.util.Locale;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who takes the payments ({@code plangate.billing.*}).
 *
 * @param provider {@code none} (the default: plan changes cost nothing and no card is
 * involved) or {@code stripe} (paid plans name their Stripe price, and subscriptions
 * follow Stripe's webhooks)
 */
@ConfigurationProperties("plangate.billing")
record BillingSettings(@DefaultValue("none") String provider) {

	BillingSettings {
		provider = provider.trim().toLowerCase(Locale.ROOT);
		if (!provider.equals("none") && !provider.equals("stripe")) {
			throw new IllegalArgumentException(
					"plangate.billing.provider (PLANGATE_BILLING_PROVIDER) must be 'none' or " + "'stripe', not '"
							+ provider + "'");
		}
	}

	boolean stripe() {
		return provider.equals("stripe");
	}

}

package dev.plangate.billing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * Who takes the payments ({@code plangate.billing.*}).
 *
 * @param provider who takes the payments: {@code none} (plan changes cost nothing and no
 * card is involved) or {@code stripe} (paid plans name their Stripe price, customers pay
 * through Stripe Checkout, and subscriptions follow Stripe's webhooks: docs/billing.md)
 */
@ConfigurationProperties("plangate.billing")
record BillingSettings(@DefaultValue("none") String provider) {

	BillingSettings {
		provider = Settings.oneOf("plangate.billing.provider", provider, "none", "stripe");
	}

	boolean stripe() {
		return provider.equals("stripe");
	}

}

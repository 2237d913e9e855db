package dev.plangate.billing;

import org.springframework.context.annotation.Configuration;

import dev.plangate.platform.Settings;

/** Checks, at start-up, that Stripe is given what it needs when it takes the payments. */
@Configuration(proxyBeanMethods = false)
class BillingConfiguration {

	BillingConfiguration(BillingSettings billing, StripeSettings stripe) {
		Settings.require(!billing.stripe() || !stripe.secretKey().isEmpty(), "plangate.stripe.secret-key",
				"is required with provider stripe: a secret or restricted API key from Stripe's dashboard "
						+ "(Developers, API keys)");
		Settings.require(!billing.stripe() || !stripe.webhookSecret().isEmpty(), "plangate.stripe.webhook-secret",
				"is required with provider stripe: the signing secret of the webhook endpoint, from Stripe's "
						+ "dashboard (Developers, Webhooks) or `stripe listen`");
	}

}

package dev.plangate.billing;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ BillingSettings.class, StripeSettings.class })
class BillingConfiguration {

	BillingConfiguration(BillingSettings billing, StripeSettings stripe) {
		if (billing.stripe() && stripe.secretKey().isEmpty()) {
			throw new IllegalStateException("plangate.stripe.secret-key (PLANGATE_STRIPE_SECRET_KEY) is required with "
					+ "provider stripe: a secret or restricted API key from Stripe's dashboard (Developers, API keys)");
		}
		if (billing.stripe() && stripe.webhookSecret().isEmpty()) {
			throw new IllegalStateException("plangate.stripe.webhook-secret (PLANGATE_STRIPE_WEBHOOK_SECRET) is "
					+ "required with provider stripe: the signing secret of the webhook endpoint, from Stripe's "
					+ "dashboard (Developers, Webhooks) or `stripe listen`");
		}
	}

}

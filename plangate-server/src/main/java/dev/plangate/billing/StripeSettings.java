package dev.plangate.billing;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Stripe ({@code plangate.stripe.*}), with provider {@code stripe}.
 *
 * @param webhookSecret the signing secrets of the webhook endpoint ({@code whsec_…}),
 * comma-separated: an event verifies with any of them, so a secret is rolled by adding
 * the new one, then removing the old one once Stripe signs with the new
 * @param webhookTolerance how old a signed event may be (its signature's timestamp)
 * before it is refused as a replay
 */
@ConfigurationProperties("plangate.stripe")
record StripeSettings(@DefaultValue("") List<String> webhookSecret, @DefaultValue("5m") Duration webhookTolerance) {

	StripeSettings {
		webhookSecret = webhookSecret.stream().map(String::trim).filter(secret -> !secret.isEmpty()).toList();
		for (var secret : webhookSecret) {
			if (!secret.startsWith("whsec_") || secret.length() < 16) {
				throw new IllegalArgumentException("plangate.stripe.webhook-secret (PLANGATE_STRIPE_WEBHOOK_SECRET) "
						+ "must be Stripe signing secrets (whsec_…), comma-separated; one is not");
			}
		}
		if (webhookTolerance.compareTo(Duration.ofSeconds(1)) < 0
				|| webhookTolerance.compareTo(Duration.ofHours(1)) > 0) {
			throw new IllegalArgumentException("plangate.stripe.webhook-tolerance (PLANGATE_STRIPE_WEBHOOK_TOLERANCE) "
					+ "must be 1s to 1h, not " + webhookTolerance);
		}
	}

}

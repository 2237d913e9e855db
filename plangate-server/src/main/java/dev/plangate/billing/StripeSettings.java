package dev.plangate.billing;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Stripe ({@code plangate.stripe.*}), with provider {@code stripe}.
 *
 * @param secretKey the secret (or restricted) API key Plangate calls Stripe with:
 * {@code sk_test_…} or {@code rk_test_…} in test mode, {@code sk_live_…} in live mode
 * @param webhookSecret the signing secrets of the webhook endpoint ({@code whsec_…}),
 * comma-separated: an event verifies with any of them, so a secret is rolled by adding
 * the new one, then removing the old one once Stripe signs with the new
 * @param webhookTolerance how old a signed event may be (its signature's timestamp)
 * before it is refused as a replay
 * @param apiBase where Stripe's API answers: Stripe itself, unless a stand-in (a local
 * mock in tests) takes its place
 * @param timeout how long one call to Stripe may take to connect, and then to answer
 * @param retries how often a call that failed on the network or with a retryable answer
 * is tried again (with the same idempotency key, so nothing happens twice)
 */
@ConfigurationProperties("plangate.stripe")
record StripeSettings(@DefaultValue("") String secretKey, @DefaultValue("") List<String> webhookSecret,
		@DefaultValue("5m") Duration webhookTolerance, @DefaultValue("https://api.stripe.com") URI apiBase,
		@DefaultValue("20s") Duration timeout, @DefaultValue("2") int retries) {

	StripeSettings {
		secretKey = secretKey.trim();
		if (!secretKey.isEmpty() && !secretKey.matches("(sk|rk)_(test|live)_[A-Za-z0-9_]{8,}")) {
			throw new IllegalArgumentException("plangate.stripe.secret-key (PLANGATE_STRIPE_SECRET_KEY) must be a "
					+ "Stripe secret or restricted key (sk_test_…, sk_live_…, rk_…); it is not");
		}
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
		var scheme = apiBase.getScheme();
		if (!("https".equals(scheme) || "http".equals(scheme)) || apiBase.getHost() == null
				|| (apiBase.getPath() != null && !apiBase.getPath().isEmpty() && !apiBase.getPath().equals("/"))) {
			throw new IllegalArgumentException("plangate.stripe.api-base (PLANGATE_STRIPE_API_BASE) must be an "
					+ "http(s) URL without a path, such as https://api.stripe.com, not '" + apiBase + "'");
		}
		if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofMinutes(2)) > 0) {
			throw new IllegalArgumentException(
					"plangate.stripe.timeout (PLANGATE_STRIPE_TIMEOUT) must be 1s to 2m, not " + timeout);
		}
		if (retries < 0 || retries > 5) {
			throw new IllegalArgumentException(
					"plangate.stripe.retries (PLANGATE_STRIPE_RETRIES) must be 0 to 5, not " + retries);
		}
	}

}

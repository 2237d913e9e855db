package dev.plangate.billing;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * Stripe ({@code plangate.stripe.*}), with provider {@code stripe}.
 *
 * @param secretKey with {@code stripe}: the API key Plangate calls Stripe with, a secret
 * key ({@code sk_test_…}, {@code sk_live_…}) or a restricted one ({@code rk_…})
 * @param webhookSecret with {@code stripe}: the signing secrets of the webhook endpoint
 * ({@code whsec_…}), comma-separated; an event verifies with any of them, so a secret is
 * rolled by adding the new one, then removing the old one once Stripe signs with the new
 * @param webhookTolerance how old a signed Stripe event may be (its signature's
 * timestamp) before it is refused as a replay, 1s to 1h
 * @param apiBase where Stripe's API answers: Stripe itself, unless a stand-in (a local
 * mock in tests) takes its place
 * @param timeout how long one call to Stripe may take to connect, and then to answer, 1s
 * to 2m
 * @param retries how often a call to Stripe that failed on the network or with a
 * retryable answer is tried again (with the same idempotency key, so nothing happens
 * twice), 0 to 5
 */
@ConfigurationProperties("plangate.stripe")
record StripeSettings(@DefaultValue("") String secretKey, @DefaultValue("") List<String> webhookSecret,
		@DefaultValue("5m") Duration webhookTolerance, @DefaultValue("https://api.stripe.com") URI apiBase,
		@DefaultValue("20s") Duration timeout, @DefaultValue("2") int retries) {

	StripeSettings {
		secretKey = secretKey.strip();
		Settings.require(secretKey.isEmpty() || secretKey.matches("(sk|rk)_(test|live)_[A-Za-z0-9_]{8,}"),
				"plangate.stripe.secret-key", "must be a Stripe secret or restricted key (sk_test_…, sk_live_…, rk_…)");
		webhookSecret = webhookSecret.stream().map(String::strip).filter(secret -> !secret.isEmpty()).toList();
		Settings.require(
				webhookSecret.stream().allMatch(secret -> secret.startsWith("whsec_") && secret.length() >= 16),
				"plangate.stripe.webhook-secret", "must be Stripe signing secrets (whsec_…), comma-separated");
		Settings.between("plangate.stripe.webhook-tolerance", webhookTolerance, Duration.ofSeconds(1),
				Duration.ofHours(1));
		Settings.webUrl("plangate.stripe.api-base", apiBase.toString());
		Settings.require(apiBase.getPath() == null || apiBase.getPath().isEmpty() || apiBase.getPath().equals("/"),
				"plangate.stripe.api-base", "must have no path, such as https://api.stripe.com, not '" + apiBase + "'");
		Settings.between("plangate.stripe.timeout", timeout, Duration.ofSeconds(1), Duration.ofMinutes(2));
		Settings.between("plangate.stripe.retries", retries, 0, 5);
	}

	@Override
	public String toString() {
		return "StripeSettings[secretKey=" + (secretKey.isEmpty() ? "" : "(set)") + ", webhookSecret="
				+ webhookSecret.size() + " secrets, webhookTolerance=" + webhookTolerance + ", apiBase=" + apiBase
				+ ", timeout=" + timeout + ", retries=" + retries + "]";
	}

}

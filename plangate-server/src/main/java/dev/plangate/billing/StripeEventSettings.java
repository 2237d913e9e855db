package dev.plangate.billing;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * Stripe events whose processing failed ({@code plangate.stripe.events.*}), with provider
 * {@code stripe}: they are kept as {@code failed} and tried again (docs/billing.md).
 *
 * @param maxAttempts how many attempts a Stripe event gets in all (Stripe's deliveries
 * included) before the retry job gives up on it; Stripe's redeliveries and an operator's
 * replay still process it, 1 to 100
 * @param retryBase the wait after a Stripe event's first failed attempt, doubled after
 * each further one, 1s to 1d
 * @param retryMax the longest wait between two attempts, at least the base, at most 7d
 * @param pollInterval how often each node looks for failed Stripe events due again, 1s to
 * 1h
 */
@ConfigurationProperties("plangate.stripe.events")
record StripeEventSettings(@DefaultValue("8") int maxAttempts, @DefaultValue("1m") Duration retryBase,
		@DefaultValue("6h") Duration retryMax, @DefaultValue("30s") Duration pollInterval) {

	StripeEventSettings {
		Settings.between("plangate.stripe.events.max-attempts", maxAttempts, 1, 100);
		Settings.between("plangate.stripe.events.retry-base", retryBase, Duration.ofSeconds(1), Duration.ofDays(1));
		Settings.between("plangate.stripe.events.retry-max", retryMax, retryBase, Duration.ofDays(7));
		Settings.between("plangate.stripe.events.poll-interval", pollInterval, Duration.ofSeconds(1),
				Duration.ofHours(1));
	}

	/**
	 * The wait after failed attempt {@code attempt} (from 1): {@code retryBase} doubled
	 * per attempt, at most {@code retryMax}.
	 */
	Duration backoff(int attempt) {
		long base = retryBase.toMillis();
		long cap = retryMax.toMillis();
		int shift = Math.max(0, attempt - 1);
		return Duration.ofMillis(shift > 30 ? cap : Math.min(cap, base << shift));
	}

}

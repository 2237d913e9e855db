package dev.plangate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.plangate.catalog.BillingInterval;
import dev.plangate.catalog.PlanDefinition;
import dev.plangate.support.ServerTest;

/**
 * The default server takes no payments: Stripe's webhooks are refused, and the settings
 * that would turn Stripe on are checked before it starts.
 */
class BillingDisabledTest extends ServerTest {

	@Test
	void stripesWebhookIsRefusedWhenStripeTakesNoPayments() {
		// given
		var event = StripeEvents.event("evt_disabled", "customer.subscription.created", Instant.now(),
				Map.of("id", "sub_1", "object", "subscription"));

		// when
		var response = anonymous.send("POST", "/v1/billing/stripe/webhook", event,
				Map.of("Stripe-Signature", StripeEvents.sign(event, "whsec_anything_at_all", Instant.now())));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("billing_provider_disabled");
	}

	@Test
	void badBillingSettingsNameTheirVariable() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BillingSettings("paypal"))
			.withMessageContaining("PLANGATE_BILLING_PROVIDER");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new StripeSettings(List.of("sk_test_not_a_webhook_secret"), Duration.ofMinutes(5)))
			.withMessageContaining("PLANGATE_STRIPE_WEBHOOK_SECRET");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new StripeSettings(List.of("whsec_0123456789abcdef"), Duration.ZERO))
			.withMessageContaining("PLANGATE_STRIPE_WEBHOOK_TOLERANCE");
		assertThatIllegalStateException()
			.isThrownBy(() -> new BillingConfiguration(new BillingSettings("stripe"),
					new StripeSettings(List.of(" ", ""), Duration.ofMinutes(5))))
			.withMessageContaining("PLANGATE_STRIPE_WEBHOOK_SECRET");
		assertThat(new StripeSettings(List.of(" whsec_0123456789abcdef "), Duration.ofMinutes(5)).webhookSecret())
			.containsExactly("whsec_0123456789abcdef");
	}

	@Test
	void withStripeAPaidPlanNeedsAStripePriceAndAFreeOneDoesNot() {
		// given
		var stripe = new StripePlanRule(new BillingSettings("stripe"));
		var none = new StripePlanRule(new BillingSettings("none"));
		var paid = plan("pro", 2900, null);

		// then
		assertThat(stripe.problems(paid)).singleElement().asString().startsWith("plan 'pro': stripePrice is required");
		assertThat(stripe.problems(plan("free", 0, null))).isEmpty();
		assertThat(stripe.problems(plan("pro", 2900, "price_pro"))).isEmpty();
		assertThat(none.problems(paid)).isEmpty();
	}

	private static PlanDefinition plan(String key, long price, String stripePrice) {
		return new PlanDefinition(key, key, null, price, "USD", BillingInterval.MONTH, 0, 0, BigDecimal.ONE, Map.of(),
				stripePrice);
	}

}

package dev.plangate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.plangate.catalog.BillingInterval;
import dev.plangate.catalog.Entitlement;
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
	void stripesOperatorEndpointsAreRefusedWhenStripeTakesNoPayments() {
		// when
		var prices = api.get("/v1/admin/billing/prices");
		var replay = api.post("/v1/admin/billing/events/evt_disabled/replay", "");

		// then
		assertThat(prices.status()).as(prices.toString()).isEqualTo(404);
		assertThat(prices.code()).isEqualTo("billing_provider_disabled");
		assertThat(replay.status()).as(replay.toString()).isEqualTo(404);
		assertThat(replay.code()).isEqualTo("billing_provider_disabled");
	}

	@Test
	void badBillingSettingsNameTheirVariable() {
		assertThatIllegalArgumentException().isThrownBy(() -> new BillingSettings("paypal"))
			.withMessageContaining("PLANGATE_BILLING_PROVIDER");
		assertThatIllegalArgumentException().isThrownBy(() -> stripe("pk_test_a_publishable_key", WEBHOOK_SECRET))
			.withMessageContaining("PLANGATE_STRIPE_SECRET_KEY");
		assertThatIllegalArgumentException().isThrownBy(() -> stripe(SECRET_KEY, "sk_test_not_a_webhook_secret"))
			.withMessageContaining("PLANGATE_STRIPE_WEBHOOK_SECRET");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new StripeSettings(SECRET_KEY, List.of(WEBHOOK_SECRET), Duration.ZERO,
					URI.create("https://api.stripe.com"), Duration.ofSeconds(20), 2))
			.withMessageContaining("PLANGATE_STRIPE_WEBHOOK_TOLERANCE");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new StripeSettings(SECRET_KEY, List.of(WEBHOOK_SECRET), Duration.ofMinutes(5),
					URI.create("https://api.stripe.com/v1"), Duration.ofSeconds(20), 2))
			.withMessageContaining("PLANGATE_STRIPE_API_BASE");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new BillingConfiguration(new BillingSettings("stripe"), stripe(SECRET_KEY, " ")))
			.withMessageContaining("PLANGATE_STRIPE_WEBHOOK_SECRET");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new BillingConfiguration(new BillingSettings("stripe"), stripe("", WEBHOOK_SECRET)))
			.withMessageContaining("PLANGATE_STRIPE_SECRET_KEY");
		assertThat(stripe(SECRET_KEY, " whsec_0123456789abcdef ,").webhookSecret())
			.containsExactly("whsec_0123456789abcdef");
	}

	private static final String SECRET_KEY = "sk_test_0123456789abcdef";

	private static final String WEBHOOK_SECRET = "whsec_0123456789abcdef";

	private static StripeSettings stripe(String secretKey, String webhookSecrets) {
		return new StripeSettings(secretKey, List.of(webhookSecrets.split(",")), Duration.ofMinutes(5),
				URI.create("https://api.stripe.com"), Duration.ofSeconds(20), 2);
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

	@Test
	void withStripeAnOverageNeedsItsOwnStripePrice() {
		// given
		var stripe = new StripePlanRule(new BillingSettings("stripe"));
		var none = new StripePlanRule(new BillingSettings("none"));
		var unpriced = new PlanDefinition("free", "free", null, 0, "USD", BillingInterval.MONTH, 0, 0, BigDecimal.ONE,
				Map.of("queries", Entitlement.ofLimit(10).withOverage(1, 1)), null);
		var priced = new PlanDefinition("free", "free", null, 0, "USD", BillingInterval.MONTH, 0, 0, BigDecimal.ONE,
				Map.of("queries", Entitlement.ofLimit(10).withOverage(1, 1, null, "price_q")), null);

		// then
		assertThat(stripe.problems(unpriced)).singleElement()
			.asString()
			.startsWith("plan 'free': entitlement 'queries': overage: stripePrice is required");
		assertThat(stripe.problems(priced)).isEmpty();
		assertThat(none.problems(unpriced)).isEmpty();
	}

	private static PlanDefinition plan(String key, long price, String stripePrice) {
		return new PlanDefinition(key, key, null, price, "USD", BillingInterval.MONTH, 0, 0, BigDecimal.ONE, Map.of(),
				stripePrice);
	}

}

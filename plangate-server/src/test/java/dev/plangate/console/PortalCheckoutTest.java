package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;

import dev.plangate.billing.StripeEvents;
import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

/**
 * The portal's paid paths over plain HTTP with Stripe configured (a local stand-in for
 * Stripe's API that sees each request as Stripe would): changing to a paid plan through
 * Checkout, Stripe's billing portal, the customer's own invoices, and what is refused
 * before Stripe is called.
 */
class PortalCheckoutTest extends ServerTest {

	private static final WireMockServer stripeApi = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private static final String WEBHOOK_SECRET = "whsec_portal_checkout_0123456789";

	private static final String CHECKOUT_URL = "https://checkout.stripe.com/c/pay/cs_test_portal";

	private static final String BILLING_URL = "https://billing.stripe.com/p/session/test_portal";

	private static final Instant PERIOD_START = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(3));

	private static final Instant PERIOD_END = PERIOD_START.plus(Duration.ofDays(30));

	static {
		stripeApi.start();
	}

	@DynamicPropertySource
	static void stripe(DynamicPropertyRegistry registry) {
		StripeEvents.register(registry, "portal_checkout", "sk_test_portal_checkout_0123456789", stripeApi.port(),
				WEBHOOK_SECRET);
	}

	@AfterAll
	static void stopStripe() {
		stripeApi.stop();
	}

	@BeforeEach
	void stripeAnswers() {
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/customers"))
			.willReturn(WireMock.okJson("{\"id\":\"cus_portal_" + UUID.randomUUID().toString().substring(0, 8)
					+ "\",\"object\":\"customer\"}")));
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/checkout/sessions"))
			.willReturn(WireMock.okJson("{\"id\":\"cs_test_portal\",\"object\":\"checkout.session\",\"url\":\""
					+ CHECKOUT_URL + "\",\"mode\":\"subscription\"}")));
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/billing_portal/sessions"))
			.willReturn(WireMock.okJson(
					"{\"id\":\"bps_portal\",\"object\":\"billing_portal.session\",\"url\":\"" + BILLING_URL + "\"}")));
	}

	@Test
	void thePlansPageOffersPaidPlansAndACheckoutGoesToStripesPageForThePlansPrice() {
		// given
		var customer = newCustomer("portal-checkout");
		var browser = visitor(customer);

		// when
		var plans = browser.get("/portal/plans");
		var checkout = browser.post("/portal/plans/checkout", Map.of("plan", "pro"));

		// then
		assertThat(plans.status()).as(plans.toString()).isEqualTo(200);
		assertThat(plans.body()).contains("Change to Starter", "Change to Pro", "Change to Business")
			.doesNotContain("Change to Free");
		assertThat(checkout.status()).as(checkout.toString()).isEqualTo(302);
		assertThat(checkout.location()).isEqualTo(CHECKOUT_URL);
		var stripeCustomer = form(only("/v1/customers")).get("metadata[plangate_customer_id]");
		assertThat(stripeCustomer).isEqualTo(customer);
		var session = form(only("/v1/checkout/sessions"));
		assertThat(session).containsEntry("customer", stripeCustomerOf(customer))
			.containsEntry("client_reference_id", customer)
			.containsEntry("mode", "subscription")
			.containsEntry("line_items[0][price]", "price_assistant_pro_monthly")
			.containsEntry("line_items[0][quantity]", "1")
			.containsEntry("success_url", "http://localhost:" + port + "/portal/plans?paid")
			.containsEntry("cancel_url", "http://localhost:" + port + "/portal/plans");
		var back = browser.get("/portal/plans?paid");
		assertThat(back.body()).contains("your new plan starts as soon as the payment is confirmed");
		assertThat(api.get("/v1/customers/" + Api.encode(customer) + "/subscription")
			.body()
			.path("plan")
			.path("key")
			.asString()).as("nothing changes before Stripe says it is paid").isEqualTo("free");
	}

	@Test
	void anUnknownArchivedOrFreePlanIsRefusedOnThePageWithoutCallingStripe() {
		// given
		var customer = newCustomer("portal-checkout-bad");
		var archivedPlan = "legacy_" + UUID.randomUUID().toString().substring(0, 8);
		var created = api.post("/v1/admin/plans", """
				{"key": "%s", "name": "Legacy", "price": 4900, "interval": "month",
				 "stripePrice": "price_legacy_monthly", "entitlements": {}}
				""".formatted(archivedPlan));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(api.post("/v1/admin/plans/" + archivedPlan + "/archive", "").status()).isEqualTo(200);
		var browser = visitor(customer);
		assertThat(browser.get("/portal/plans").body()).doesNotContain("Change to Legacy");
		var refusals = new LinkedHashMap<String, String>();
		refusals.put("platinum", "There is no such plan");
		refusals.put(archivedPlan, "is no longer offered");
		refusals.put("free", "is free");
		refusals.put("", "Choose a plan");

		for (var refusal : refusals.entrySet()) {
			// when
			var checkout = browser.post("/portal/plans/checkout", Map.of("plan", refusal.getKey()));
			var page = browser.get("/portal/plans");

			// then
			assertThat(checkout.status()).as(checkout.toString()).isEqualTo(302);
			assertThat(checkout.location()).endsWith("/portal/plans");
			assertThat(page.status()).isEqualTo(200);
			assertThat(page.body()).as(refusal.getKey()).contains("role=\"alert\"", refusal.getValue());
			assertThat(page.body()).as("an end user is told nothing of the API").doesNotContain("/v1/");
		}
		assertThat(stripeApi.getAllServeEvents()).isEmpty();
	}

	@Test
	void aCustomerAlreadyPayingIsSentToBillingInsteadOfASecondCheckout() {
		// given: a customer whose checkout Stripe completed
		var customer = newCustomer("portal-checkout-paying");
		var suffix = UUID.randomUUID().toString().substring(0, 8);
		delivered(StripeEvents.event("evt_pp_" + suffix, "checkout.session.completed", Instant.now(),
				StripeEvents.checkoutSession("cs_pp_" + suffix, customer, "cus_pp_" + suffix, "sub_pp_" + suffix)));
		var browser = visitor(customer);
		browser.get("/portal/plans");
		stripeApi.resetRequests();

		// when
		var checkout = browser.post("/portal/plans/checkout", Map.of("plan", "business"));
		var page = browser.get("/portal/plans");

		// then
		assertThat(checkout.status()).as(checkout.toString()).isEqualTo(302);
		assertThat(checkout.location()).endsWith("/portal/plans");
		assertThat(page.body())
			.contains("role=\"alert\"", "You already pay for a plan", "Manage payment method and plan")
			.doesNotContain("sub_pp_" + suffix, "/v1/");
		assertThat(stripeApi.findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/checkout/sessions"))))
			.as("a second subscription would bill the customer twice")
			.isEmpty();
	}

	@Test
	void theBillingButtonOpensStripesPortalForTheCustomersOwnStripeCustomer() {
		// given
		var customer = newCustomer("portal-billing");
		var browser = visitor(customer);
		browser.get("/portal/invoices");
		var beforeCheckout = browser.post("/portal/billing", Map.of());
		var refusedPage = browser.get("/portal/invoices");
		browser.get("/portal/plans");
		assertThat(browser.post("/portal/plans/checkout", Map.of("plan", "starter")).status()).isEqualTo(302);
		browser.get("/portal/invoices");

		// when
		var billing = browser.post("/portal/billing", Map.of());

		// then
		assertThat(beforeCheckout.status()).as(beforeCheckout.toString()).isEqualTo(302);
		assertThat(beforeCheckout.location()).endsWith("/portal/invoices");
		assertThat(refusedPage.body()).contains("role=\"alert\"", "once you have paid for a plan")
			.doesNotContain("/v1/");
		assertThat(billing.status()).as(billing.toString()).isEqualTo(302);
		assertThat(billing.location()).isEqualTo(BILLING_URL);
		var session = form(only("/v1/billing_portal/sessions"));
		assertThat(session).containsEntry("customer", stripeCustomerOf(customer))
			.containsEntry("return_url", "http://localhost:" + port + "/portal/invoices");
	}

	@Test
	void theInvoicesPageListsTheCustomersOwnInvoicesWithTheirLinksAndNoOneElses() {
		// given
		var a = newCustomer("portal-invoices-a");
		var b = newCustomer("portal-invoices-b");
		var suffix = UUID.randomUUID().toString().substring(0, 8);
		var cusA = "cus_a_" + suffix;
		var cusB = "cus_b_" + suffix;
		delivered(StripeEvents.event("evt_pa_" + suffix, "checkout.session.completed", Instant.now(),
				StripeEvents.checkoutSession("cs_pa_" + suffix, a, cusA, "sub_pa_" + suffix)));
		delivered(StripeEvents.event("evt_pb_" + suffix, "checkout.session.completed", Instant.now(),
				StripeEvents.checkoutSession("cs_pb_" + suffix, b, cusB, "sub_pb_" + suffix)));
		delivered(StripeEvents.event("evt_ia1_" + suffix, "invoice.paid", Instant.now(), StripeEvents.invoice(
				"in_a1" + suffix, cusA, "paid", 2900, 2900, PERIOD_START.minus(Duration.ofDays(30)), PERIOD_START)));
		delivered(StripeEvents.event("evt_ia2_" + suffix, "invoice.finalized", Instant.now(),
				StripeEvents.invoice("in_a2" + suffix, cusA, "open", 9900, 0, PERIOD_START, PERIOD_END)));
		delivered(StripeEvents.event("evt_ib_" + suffix, "invoice.paid", Instant.now(),
				StripeEvents.invoice("in_b" + suffix, cusB, "paid", 29900, 29900, PERIOD_START, PERIOD_END)));

		// when
		var pageA = visitor(a).get("/portal/invoices");
		var pageB = visitor(b).get("/portal/invoices");

		// then
		assertThat(pageA.status()).as(pageA.toString()).isEqualTo(200);
		assertThat(pageA.body())
			.contains("Manage payment method and plan", "PLG-A1" + suffix.toUpperCase(),
					"PLG-A2" + suffix.toUpperCase(), "29.00", "99.00",
					"href=\"https://invoice.stripe.com/i/in_a1" + suffix + "\"",
					"href=\"https://pay.stripe.com/invoice/in_a2" + suffix + "/pdf\"", "aria-label=\"Pay PLG-A2")
			.doesNotContain("in_b" + suffix)
			.doesNotContain("PLG-B" + suffix.toUpperCase())
			.doesNotContain("No invoices yet.");
		assertThat(pageA.body().indexOf("PLG-A2")).as("newest first").isLessThan(pageA.body().indexOf("PLG-A1"));
		assertThat(pageB.body()).contains("PLG-B" + suffix.toUpperCase(), "299.00")
			.doesNotContain("in_a1" + suffix)
			.doesNotContain("in_a2" + suffix);
		assertThat(visitor(newCustomer("portal-invoices-none")).get("/portal/invoices").body())
			.contains("No invoices yet.");
	}

	@Test
	void stripeRefusingOrUnreachableIsSaidOnThePage() {
		// given
		var customer = newCustomer("portal-stripe-down");
		var browser = visitor(customer);
		browser.get("/portal/plans");
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/customers"))
			.willReturn(WireMock.aResponse()
				.withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"email_invalid\","
						+ "\"message\":\"Invalid email address\"}}")));

		// when
		var refused = browser.post("/portal/plans/checkout", Map.of("plan", "pro"));
		var refusedPage = browser.get("/portal/plans");
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/customers"))
			.willReturn(WireMock.aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		var unreachable = browser.post("/portal/plans/checkout", Map.of("plan", "pro"));
		var unreachablePage = browser.get("/portal/plans");

		// then
		assertThat(refused.status()).as(refused.toString()).isEqualTo(302);
		assertThat(refusedPage.status()).isEqualTo(200);
		assertThat(refusedPage.body()).contains("role=\"alert\"", "Stripe refused", "Invalid email address");
		assertThat(unreachable.status()).as(unreachable.toString()).isEqualTo(302);
		assertThat(unreachablePage.status()).isEqualTo(200);
		assertThat(unreachablePage.body()).contains("role=\"alert\"", "Stripe could not be reached");
	}

	@Test
	void theirFormsWithoutTheCsrfTokenAreRefusedAndReachNoStripe() {
		// given
		var browser = visitor(newCustomer("portal-checkout-csrf"));
		browser.get("/portal/plans");

		// when
		var checkout = browser.postRaw("/portal/plans/checkout", Map.of("plan", "pro"));
		var wrongToken = browser.postRaw("/portal/plans/checkout", Map.of("plan", "pro", "_csrf", "x"));
		var billing = browser.postRaw("/portal/billing", Map.of());

		// then
		for (var refused : List.of(checkout, wrongToken, billing)) {
			assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
			assertThat(refused.body()).contains("The form was out of date");
		}
		assertThat(stripeApi.getAllServeEvents()).isEmpty();
	}

	/** A visitor arriving with a token the product minted for the customer. */
	private ConsoleClient visitor(String customer) {
		var minted = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));
		assertThat(minted.status()).as(minted.toString()).isEqualTo(201);
		var browser = new ConsoleClient(port);
		var arrival = browser.get("/portal?token=" + minted.body().path("token").asString());
		assertThat(arrival.status()).as(arrival.toString()).isEqualTo(302);
		return browser;
	}

	private void delivered(String payload) {
		var response = anonymous.sendRaw("POST", "/v1/billing/stripe/webhook",
				java.net.http.HttpRequest.BodyPublishers.ofString(payload),
				Map.of("Content-Type", "application/json; charset=utf-8", "Stripe-Signature",
						StripeEvents.sign(payload, WEBHOOK_SECRET, Instant.now())));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	/** The body of the one request Stripe received at the path. */
	private static String only(String path) {
		var requests = stripeApi.findAll(WireMock.postRequestedFor(WireMock.urlPathEqualTo(path)));
		assertThat(requests).as(path).hasSize(1);
		return requests.get(0).getBodyAsString();
	}

	/** The customer's Stripe customer, as the stand-in made it. */
	private static String stripeCustomerOf(String customer) {
		return stripeApi.getAllServeEvents()
			.stream()
			.filter(e -> e.getRequest().getUrl().startsWith("/v1/customers"))
			.filter(e -> customer.equals(form(e.getRequest().getBodyAsString()).get("metadata[plangate_customer_id]")))
			.map(e -> e.getResponse().getBodyAsString().replaceAll(".*\"id\":\"([^\"]+)\".*", "$1"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no Stripe customer made for " + customer));
	}

	/** A form-encoded body as Stripe reads it. */
	private static Map<String, String> form(String body) {
		var fields = new LinkedHashMap<String, String>();
		for (var pair : body.split("&")) {
			var eq = pair.indexOf('=');
			fields.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
					URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
		}
		return fields;
	}

}

package dev.plangate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.Fault;

import dev.plangate.support.Api;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.Race;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * A server where Stripe takes the payments, selling the AI assistant's example catalog:
 * checkouts and portal sessions against a stand-in for Stripe's API that checks what
 * Stripe would receive, and Stripe's webhooks, signed, delivered once, twice, late, at
 * once to two nodes, or forged.
 */
@FreshSchema
class StripeBillingTest extends ServerTest {

	private static final String OLD_SECRET = "whsec_old_secret_0123456789";

	private static final String NEW_SECRET = "whsec_new_secret_9876543210";

	private static final String WEBHOOK = "/v1/billing/stripe/webhook";

	/** Stripe's API, as far as Plangate calls it. */
	private static final WireMockServer stripeApi = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	private static final String SECRET_KEY = "sk_test_plangate_0123456789";

	static {
		stripeApi.start();
	}

	@DynamicPropertySource
	static void stripe(DynamicPropertyRegistry registry) {
		StripeEvents.register(registry, "stripe_billing", SECRET_KEY, stripeApi.port(), OLD_SECRET + "," + NEW_SECRET);
	}

	private static final SecondNode secondNode = new SecondNode();

	@AfterAll
	static void stopSecondNodeAndStripe() {
		secondNode.stop();
		stripeApi.stop();
	}

	@Autowired
	private Environment environment;

	@Autowired
	private JdbcClient jdbc;

	private static final Instant PERIOD_START = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(3));

	private static final Instant PERIOD_END = PERIOD_START.plus(Duration.ofDays(30));

	private Api.Response deliver(Api node, String payload, String secret, Instant signedAt) {
		return node.sendRaw("POST", WEBHOOK, java.net.http.HttpRequest.BodyPublishers.ofString(payload),
				Map.of("Content-Type", "application/json; charset=utf-8", "Stripe-Signature",
						StripeEvents.sign(payload, secret, signedAt)));
	}

	private Api.Response deliver(String payload) {
		return deliver(anonymous, payload, NEW_SECRET, Instant.now());
	}

	private JsonNode delivered(String payload) {
		var response = deliver(payload);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private static String subscriptionEvent(String eventId, String type, Instant created, String subscriptionId,
			String stripeCustomer, String status, String price, String plangateCustomer) {
		return StripeEvents.event(eventId, type, created, StripeEvents.subscription(subscriptionId, stripeCustomer,
				status, price, PERIOD_START, PERIOD_END, plangateCustomer));
	}

	private JsonNode subscription(String customerId) {
		return api.get("/v1/customers/" + Api.encode(customerId) + "/subscription").body();
	}

	private JsonNode history(String customerId) {
		return api.get("/v1/customers/" + Api.encode(customerId) + "/subscription/history").body().path("data");
	}

	private long storedEvents(String eventId) {
		return jdbc.sql("select count(*) from stripe_event where event_id = :id")
			.param("id", eventId)
			.query(Long.class)
			.single();
	}

	private static String plan(JsonNode subscription) {
		return subscription.path("plan").path("key").asString();
	}

	@Test
	void aSubscriptionCreatedInStripeMovesTheCustomerToItsPlanDoneByStripe() {
		// given
		var id = newCustomer("stripe-created");
		var event = subscriptionEvent("evt_created_1", "customer.subscription.created", Instant.now(), "sub_created_1",
				"cus_created_1", "active", "price_assistant_pro_monthly", id);

		// when
		var receipt = delivered(event);

		// then
		assertThat(receipt.path("outcome").asString()).as(receipt.toString()).isEqualTo("processed");
		var after = subscription(id);
		assertThat(plan(after)).isEqualTo("pro");
		assertThat(after.path("status").asString()).isEqualTo("active");
		assertThat(Instant.parse(after.path("currentPeriodStart").asString())).isEqualTo(PERIOD_START);
		assertThat(Instant.parse(after.path("currentPeriodEnd").asString())).isEqualTo(PERIOD_END);
		var last = history(id).get(history(id).size() - 1);
		assertThat(last.path("action").asString()).isEqualTo("plan_changed");
		assertThat(last.path("actor").asString()).isEqualTo("stripe");
		var audit = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + Api.encode(id)).body();
		assertThat(audit.path("data").get(0).path("actor").asString()).isEqualTo("stripe");
	}

	@Test
	void anEventDeliveredAgainIsADuplicateAndChangesNothingMore() {
		// given
		var id = newCustomer("stripe-again");
		var event = subscriptionEvent("evt_again_1", "customer.subscription.created", Instant.now(), "sub_again_1",
				"cus_again_1", "active", "price_assistant_starter_monthly", id);
		delivered(event);
		int changes = history(id).size();

		// when
		var again = delivered(event);

		// then
		assertThat(again.path("outcome").asString()).isEqualTo("duplicate");
		assertThat(history(id).size()).isEqualTo(changes);
		assertThat(storedEvents("evt_again_1")).isEqualTo(1);
	}

	@Test
	void theSameEventDeliveredAtOnceToTwoNodesIsProcessedOnce() throws Exception {
		// given
		var id = newCustomer("stripe-race");
		var event = subscriptionEvent("evt_race_1", "customer.subscription.created", Instant.now(), "sub_race_1",
				"cus_race_1", "active", "price_assistant_business_monthly", id);
		var other = secondNode.startLike(environment).api(null);

		// when
		var deliveries = new ArrayList<Callable<Api.Response>>();
		for (int i = 0; i < 8; i++) {
			var node = i % 2 == 0 ? anonymous : other;
			deliveries.add(() -> deliver(node, event, NEW_SECRET, Instant.now()));
		}
		var receipts = Race.run(deliveries);

		// then
		assertThat(receipts).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
		assertThat(receipts.stream().map(r -> r.body().path("outcome").asString())).containsOnlyOnce("processed")
			.containsOnly("processed", "duplicate");
		assertThat(plan(subscription(id))).isEqualTo("business");
		assertThat(history(id).findValuesAsString("action").stream().filter("plan_changed"::equals)).hasSize(1);
	}

	@Test
	void anEventSignedWithTheOlderOfTwoSecretsIsAcceptedDuringARotation() {
		// given
		var id = newCustomer("stripe-rotation");
		var event = subscriptionEvent("evt_rotation_1", "customer.subscription.created", Instant.now(),
				"sub_rotation_1", "cus_rotation_1", "trialing", "price_assistant_pro_monthly", id);

		// when
		var response = deliver(anonymous, event, OLD_SECRET, Instant.now());

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(subscription(id).path("status").asString()).isEqualTo("trialing");
	}

	@Test
	void forgedStaleUnsignedAndMalformedEventsAreRefusedAndNothingIsStored() {
		// given
		var id = newCustomer("stripe-forged");
		var event = subscriptionEvent("evt_forged_1", "customer.subscription.created", Instant.now(), "sub_forged_1",
				"cus_forged_1", "active", "price_assistant_enterprise_monthly", id);
		var headers = Map.of("Content-Type", "application/json");

		// when
		var wrongSecret = deliver(anonymous, event, "whsec_someone_elses_secret", Instant.now());
		var stale = deliver(anonymous, event, NEW_SECRET, Instant.now().minus(Duration.ofMinutes(6)));
		var unsigned = anonymous.send("POST", WEBHOOK, event, headers);
		var tampered = anonymous.sendRaw("POST", WEBHOOK,
				java.net.http.HttpRequest.BodyPublishers.ofString(event.replace("active", "trialing")),
				Map.of("Content-Type", "application/json", "Stripe-Signature",
						StripeEvents.sign(event, NEW_SECRET, Instant.now())));
		var garbage = anonymous.send("POST", WEBHOOK, event, Map.of("Stripe-Signature", "this is not a signature"));
		var notJson = deliver(anonymous, "{\"id\": \"evt_", NEW_SECRET, Instant.now());
		var notAnEvent = deliver(anonymous, "[1, 2, 3]", NEW_SECRET, Instant.now());
		var noApiVersion = deliver(anonymous, event.replace("\"api_version\":", "\"version\":"), NEW_SECRET,
				Instant.now());

		// then
		for (var response : List.of(wrongSecret, stale, unsigned, tampered, garbage)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
			assertThat(response.code()).as(response.toString()).isEqualTo("invalid_signature");
		}
		for (var response : List.of(notJson, notAnEvent, noApiVersion)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
			assertThat(response.code()).as(response.toString()).isEqualTo("invalid_request");
		}
		assertThat(storedEvents("evt_forged_1")).isZero();
		assertThat(plan(subscription(id))).isEqualTo("free");
	}

	@Test
	void anUnknownPriceOrCustomerIsIgnoredWithTheReason() {
		// given
		var id = newCustomer("stripe-unknown");
		var unknownPrice = subscriptionEvent("evt_unknown_price", "customer.subscription.created", Instant.now(),
				"sub_unknown_1", "cus_unknown_1", "active", "price_not_in_the_catalog", id);
		var unknownCustomer = subscriptionEvent("evt_unknown_customer", "customer.subscription.created", Instant.now(),
				"sub_unknown_2", "cus_unknown_2", "active", "price_assistant_pro_monthly", "nobody-by-this-id");
		var notOurs = StripeEvents.event("evt_not_ours", "customer.subscription.created", Instant.now(),
				StripeEvents.subscription("sub_unknown_3", "cus_unknown_3", "active", "price_assistant_pro_monthly",
						PERIOD_START, PERIOD_END, null));
		var otherType = StripeEvents.event("evt_other_type", "charge.refunded", Instant.now(),
				Map.of("id", "ch_1", "object", "charge"));

		// when
		var receipts = List.of(delivered(unknownPrice), delivered(unknownCustomer), delivered(notOurs),
				delivered(otherType));

		// then
		assertThat(receipts).allSatisfy(r -> assertThat(r.path("outcome").asString()).isEqualTo("ignored"));
		assertThat(receipts.get(0).path("detail").asString()).contains("stripePrice");
		assertThat(receipts.get(1).path("detail").asString()).contains("nobody-by-this-id");
		assertThat(receipts.get(2).path("detail").asString()).contains("plangate_customer_id");
		assertThat(receipts.get(3).path("detail").asString()).contains("charge.refunded");
		assertThat(plan(subscription(id))).isEqualTo("free");
	}

	@Test
	void aCheckoutLinksTheCustomerSoThatChangesMadeInStripeLaterAreFollowed() {
		// given: a checkout completed, then the plan changed in Stripe's portal (no
		// metadata)
		var id = newCustomer("stripe-portal");
		delivered(StripeEvents.event("evt_portal_checkout", "checkout.session.completed", Instant.now(),
				StripeEvents.checkoutSession("cs_portal_1", id, "cus_portal_1", "sub_portal_1")));
		var created = StripeEvents.event("evt_portal_created", "customer.subscription.created",
				Instant.now().minusSeconds(10), StripeEvents.subscription("sub_portal_1", "cus_portal_1", "active",
						"price_assistant_starter_monthly", PERIOD_START, PERIOD_END, null));
		var changed = StripeEvents.event("evt_portal_changed", "customer.subscription.updated", Instant.now(),
				StripeEvents.subscription("sub_portal_1", "cus_portal_1", "past_due", "price_assistant_pro_monthly",
						PERIOD_START, PERIOD_END, null));

		// when: the newer event arrives before the older one
		var first = delivered(changed);
		var late = delivered(created);

		// then
		assertThat(first.path("outcome").asString()).as(first.toString()).isEqualTo("processed");
		assertThat(late.path("outcome").asString()).isEqualTo("ignored");
		var after = subscription(id);
		assertThat(plan(after)).isEqualTo("pro");
		assertThat(after.path("status").asString()).isEqualTo("past_due");
	}

	@Test
	void aCustomerStripeBillsAlreadyGetsNoSecondCheckoutThatWouldBillItTwice() {
		// given
		stripeApi.resetAll();
		var id = newCustomer("stripe-twice");
		delivered(StripeEvents.event("evt_twice_checkout", "checkout.session.completed", Instant.now(),
				StripeEvents.checkoutSession("cs_twice_1", id, "cus_twice_1", "sub_twice_1")));
		delivered(StripeEvents.event("evt_twice_created", "customer.subscription.created", Instant.now(),
				StripeEvents.subscription("sub_twice_1", "cus_twice_1", "active", "price_assistant_starter_monthly",
						PERIOD_START, PERIOD_END, null)));

		// when
		var again = checkout(id, checkoutBody("pro"));

		// then
		assertThat(again.status()).as(again.toString()).isEqualTo(409);
		assertThat(again.code()).isEqualTo("already_subscribed");
		assertThat(stripeApi.getAllServeEvents()).isEmpty();
		assertThat(plan(subscription(id))).isEqualTo("starter");
	}

	@Test
	void anUnpaidSubscriptionKeepsItsPlanButItsEntitlementsCannotBeUsed() {
		// given
		var id = newCustomer("stripe-unpaid");
		delivered(subscriptionEvent("evt_unpaid_1", "customer.subscription.created", Instant.now().minusSeconds(5),
				"sub_unpaid_1", "cus_unpaid_1", "active", "price_assistant_pro_monthly", id));

		// when
		delivered(subscriptionEvent("evt_unpaid_2", "customer.subscription.updated", Instant.now(), "sub_unpaid_1",
				"cus_unpaid_1", "unpaid", "price_assistant_pro_monthly", id));

		// then
		assertThat(subscription(id).path("status").asString()).isEqualTo("unpaid");
		var check = api.post("/v1/check", Api.json(Map.of("customerId", id, "feature", "queries")));
		assertThat(check.body().path("allowed").asBoolean()).isFalse();
		assertThat(check.body().path("code").asString()).isEqualTo("subscription_inactive");
		assertThat(history(id).findValuesAsString("action")).endsWith("status_changed");
	}

	@Test
	void aSubscriptionDeletedInStripeReturnsTheCustomerToTheDefaultPlan() {
		// given
		var id = newCustomer("stripe-deleted");
		delivered(subscriptionEvent("evt_deleted_1", "customer.subscription.created", Instant.now().minusSeconds(5),
				"sub_deleted_1", "cus_deleted_1", "active", "price_assistant_pro_monthly", id));

		// when
		var receipt = delivered(subscriptionEvent("evt_deleted_2", "customer.subscription.deleted", Instant.now(),
				"sub_deleted_1", "cus_deleted_1", "canceled", "price_assistant_pro_monthly", id));

		// then
		assertThat(receipt.path("outcome").asString()).isEqualTo("processed");
		assertThat(plan(subscription(id))).isEqualTo("free");
		var last = history(id).get(history(id).size() - 1);
		assertThat(last.path("action").asString()).isEqualTo("canceled");
		assertThat(last.path("actor").asString()).isEqualTo("stripe");
	}

	@Test
	void aPaidPlanWithoutAStripePriceIsRefusedThroughTheApi() {
		// when
		var response = api.post("/v1/admin/plans", Api.json(Map.of("key", "unsellable", "name", "Unsellable", "price",
				4900, "entitlements", Map.of("queries", 100))));
		var badPrice = api.post("/v1/admin/plans", Api.json(Map.of("key", "misnamed", "name", "Misnamed", "price", 4900,
				"stripePrice", "prod_123", "entitlements", Map.of("queries", 100))));
		var sellable = api.post("/v1/admin/plans", Api.json(Map.of("key", "sellable", "name", "Sellable", "price", 4900,
				"stripePrice", "price_sellable_monthly", "entitlements", Map.of("queries", 100))));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(422);
		assertThat(response.code()).isEqualTo("invalid_plan");
		assertThat(response.body().path("errors").get(0).path("field").asString()).isEqualTo("stripePrice");
		assertThat(badPrice.status()).as(badPrice.toString()).isEqualTo(422);
		assertThat(sellable.status()).as(sellable.toString()).isEqualTo(201);
		assertThat(sellable.body().path("stripePrice").asString()).isEqualTo("price_sellable_monthly");
	}

	@Test
	void onceStripeEndsTheSubscriptionTheApiChangesThePlanWithoutStripeAndAnOldOnesEndIsIgnored() {
		// given
		var id = newCustomer("stripe-owned");
		delivered(subscriptionEvent("evt_owned_1", "customer.subscription.created", Instant.now().minusSeconds(10),
				"sub_owned_1", "cus_owned_1", "active", "price_assistant_pro_monthly", id));
		var path = "/v1/customers/" + Api.encode(id) + "/subscription";

		// when
		var oldOne = delivered(
				subscriptionEvent("evt_owned_2", "customer.subscription.deleted", Instant.now().minusSeconds(5),
						"sub_owned_0", "cus_owned_1", "canceled", "price_assistant_pro_monthly", id));
		var stillPro = plan(subscription(id));
		delivered(subscriptionEvent("evt_owned_3", "customer.subscription.deleted", Instant.now(), "sub_owned_1",
				"cus_owned_1", "canceled", "price_assistant_pro_monthly", id));
		stripeApi.resetAll();
		var afterwards = api.post(path, "{\"plan\":\"starter\"}");

		// then
		assertThat(oldOne.path("outcome").asString()).as(oldOne.toString()).isEqualTo("ignored");
		assertThat(stillPro).isEqualTo("pro");
		assertThat(afterwards.status()).as(afterwards.toString()).isEqualTo(200);
		assertThat(plan(afterwards.body())).isEqualTo("starter");
		assertThat(stripeApi.getAllServeEvents()).isEmpty();
	}

	// checkout and the customer portal

	private static String json(Map<String, Object> object) {
		return Api.json(object);
	}

	private static void stripeAnswers(String path, Map<String, Object> object) {
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo(path))
			.willReturn(WireMock.okJson(json(object)).withHeader("Request-Id", "req_test")));
	}

	private Api.Response checkout(String customerId, String body) {
		return api.post("/v1/customers/" + Api.encode(customerId) + "/checkout", body);
	}

	private static String checkoutBody(String plan) {
		return Api
			.json(Map.of("plan", plan, "successUrl", "https://app.example.com/billing/done?s={CHECKOUT_SESSION_ID}",
					"cancelUrl", "https://app.example.com/pricing", "allowPromotionCodes", true));
	}

	@Test
	void aCheckoutMakesTheStripeCustomerOnceAndAPageForThePlansPriceAndChangesNothingYet() {
		// given
		stripeApi.resetAll();
		var id = newCustomer("stripe-checkout");
		stripeAnswers("/v1/customers", Map.of("id", "cus_checkout_1", "object", "customer"));
		stripeAnswers("/v1/checkout/sessions",
				Map.of("id", "cs_test_checkout_1", "object", "checkout.session", "url",
						"https://checkout.stripe.com/c/pay/cs_test_checkout_1", "expires_at", 1893456000L, "mode",
						"subscription"));

		// when
		var first = checkout(id, checkoutBody("pro"));
		var second = checkout(id, checkoutBody("business"));

		// then
		assertThat(first.status()).as(first.toString()).isEqualTo(201);
		assertThat(first.body().path("url").asString())
			.isEqualTo("https://checkout.stripe.com/c/pay/cs_test_checkout_1");
		assertThat(first.body().path("id").asString()).isEqualTo("cs_test_checkout_1");
		assertThat(second.status()).as(second.toString()).isEqualTo(201);
		stripeApi.verify(1,
				WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/customers"))
					.withHeader("Authorization", WireMock.equalTo("Bearer " + SECRET_KEY))
					.withHeader("Idempotency-Key", WireMock.equalTo("plangate-customer-" + id))
					.withRequestBody(WireMock.containing("metadata[plangate_customer_id]=" + id)));
		stripeApi.verify(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/checkout/sessions"))
			.withRequestBody(WireMock.containing("mode=subscription"))
			.withRequestBody(WireMock.containing("line_items[0][price]=price_assistant_pro_monthly"))
			.withRequestBody(WireMock.containing("line_items[0][quantity]=1"))
			.withRequestBody(WireMock.containing("customer=cus_checkout_1"))
			.withRequestBody(WireMock.containing("client_reference_id=" + id))
			.withRequestBody(WireMock.containing("subscription_data[metadata][plangate_customer_id]=" + id))
			.withRequestBody(WireMock.containing("allow_promotion_codes=true"))
			.withRequestBody(WireMock.notContaining("trial_period_days")));
		assertThat(plan(subscription(id))).as("the plan changes when Stripe says it is paid").isEqualTo("free");
	}

	@Test
	void thePortalOpensForACustomerWithAStripeCustomerOnly() {
		// given
		stripeApi.resetAll();
		var id = newCustomer("stripe-portal-page");
		var body = Api.json(Map.of("returnUrl", "https://app.example.com/account"));
		var before = api.post("/v1/customers/" + Api.encode(id) + "/billing-portal", body);
		delivered(StripeEvents.event("evt_portal_page_checkout", "checkout.session.completed", Instant.now(),
				StripeEvents.checkoutSession("cs_portal_page", id, "cus_portal_page", "sub_portal_page")));
		stripeAnswers("/v1/billing_portal/sessions", Map.of("id", "bps_1", "object", "billing_portal.session", "url",
				"https://billing.stripe.com/p/session/test_1", "customer", "cus_portal_page"));

		// when
		var after = api.post("/v1/customers/" + Api.encode(id) + "/billing-portal", body);

		// then
		assertThat(before.status()).as(before.toString()).isEqualTo(409);
		assertThat(before.code()).isEqualTo("no_billing_customer");
		assertThat(after.status()).as(after.toString()).isEqualTo(201);
		assertThat(after.body().path("url").asString()).isEqualTo("https://billing.stripe.com/p/session/test_1");
		stripeApi.verify(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/billing_portal/sessions"))
			.withRequestBody(WireMock.containing("customer=cus_portal_page"))
			.withRequestBody(WireMock.containing("return_url=")));
	}

	@Test
	void badCheckoutsAreClearProblemsAndReachNoStripe() {
		// given
		stripeApi.resetAll();
		var id = newCustomer("stripe-bad-checkout");

		// when
		var free = checkout(id, checkoutBody("free"));
		var unknown = checkout(id, checkoutBody("platinum"));
		var badUrl = checkout(id, Api
			.json(Map.of("plan", "pro", "successUrl", "javascript:alert(1)", "cancelUrl", "https://app.example.com")));
		var missing = checkout(id, "{\"plan\":\"pro\"}");
		var nobody = checkout("nobody-here", checkoutBody("pro"));
		var archivedPlan = "legacy_" + UUID.randomUUID().toString().substring(0, 8);
		var created = api.post("/v1/admin/plans", """
				{"key": "%s", "name": "Legacy", "price": 4900, "interval": "month",
				 "stripePrice": "price_legacy_monthly", "entitlements": {}}
				""".formatted(archivedPlan));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(api.post("/v1/admin/plans/" + archivedPlan + "/archive", "").status()).isEqualTo(200);
		var archived = checkout(id, checkoutBody(archivedPlan));

		// then
		assertThat(free.status()).as(free.toString()).isEqualTo(422);
		assertThat(free.code()).isEqualTo("plan_not_for_sale");
		assertThat(unknown.code()).as(unknown.toString()).isEqualTo("unknown_plan");
		assertThat(badUrl.status()).as(badUrl.toString()).isEqualTo(400);
		assertThat(missing.status()).as(missing.toString()).isEqualTo(400);
		assertThat(nobody.status()).as(nobody.toString()).isEqualTo(404);
		assertThat(archived.status()).as(archived.toString()).isEqualTo(409);
		assertThat(archived.code()).isEqualTo("plan_archived");
		assertThat(stripeApi.getAllServeEvents()).isEmpty();
		assertThat(plan(subscription(id))).isEqualTo("free");
	}

	@Test
	void stripeRefusingOrUnreachableIsSaidAsSuch() {
		// given
		stripeApi.resetAll();
		var id = newCustomer("stripe-refuses");
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/customers"))
			.willReturn(WireMock.aResponse()
				.withStatus(400)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"email_invalid\","
						+ "\"message\":\"Invalid email address\"}}")));

		// when
		var refused = checkout(id, checkoutBody("pro"));
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/customers"))
			.willReturn(WireMock.aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		var unreachable = checkout(id, checkoutBody("pro"));

		// then
		assertThat(refused.status()).as(refused.toString()).isEqualTo(502);
		assertThat(refused.code()).isEqualTo("payment_provider_refused");
		assertThat(refused.body().path("detail").asString()).contains("Invalid email address");
		assertThat(refused.body().path("providerCode").asString()).isEqualTo("email_invalid");
		assertThat(unreachable.status()).as(unreachable.toString()).isEqualTo(503);
		assertThat(unreachable.code()).isEqualTo("payment_provider_unavailable");
	}

	// invoices

	@Test
	void invoicesAreMirroredNewestFirstKeptCurrentAndShownToTheCustomersOwnToken() {
		// given: a linked customer, two invoices, the older paid after it was finalized
		var id = newCustomer("stripe-invoices");
		delivered(StripeEvents.event("evt_invoices_checkout", "checkout.session.completed", Instant.now(),
				StripeEvents.checkoutSession("cs_invoices", id, "cus_invoices", "sub_invoices")));
		var earlier = PERIOD_START.minus(Duration.ofDays(30));
		delivered(StripeEvents.event("evt_invoice_a1", "invoice.finalized", Instant.now().minusSeconds(20),
				StripeEvents.invoice("in_invoices_a", "cus_invoices", "open", 9900, 0, earlier, PERIOD_START)));
		delivered(StripeEvents.event("evt_invoice_a2", "invoice.paid", Instant.now().minusSeconds(10),
				StripeEvents.invoice("in_invoices_a", "cus_invoices", "paid", 9900, 9900, earlier, PERIOD_START)));
		delivered(StripeEvents.event("evt_invoice_b1", "invoice.payment_failed", Instant.now(),
				StripeEvents.invoice("in_invoices_b", "cus_invoices", "open", 9900, 0, PERIOD_START, PERIOD_END)));

		// when: the finalized state of the first arrives again, late, under another event
		var late = delivered(StripeEvents.event("evt_invoice_a0", "invoice.finalized", Instant.now().minusSeconds(30),
				StripeEvents.invoice("in_invoices_a", "cus_invoices", "open", 9900, 0, earlier, PERIOD_START)));
		var page = api.get("/v1/customers/" + Api.encode(id) + "/invoices?limit=1").body();
		var next = api
			.get("/v1/customers/" + Api.encode(id) + "/invoices?limit=1&cursor=" + page.path("nextCursor").asString())
			.body();
		var token = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", id))).body().path("token").asString();
		var mine = anonymous.withKey(token).get("/v1/me/invoices");
		var otherCustomer = newCustomer("stripe-no-invoices");

		// then
		assertThat(late.path("outcome").asString()).isEqualTo("ignored");
		var newest = page.path("data").get(0);
		assertThat(newest.path("id").asString()).isEqualTo("in_invoices_b");
		assertThat(newest.path("status").asString()).isEqualTo("open");
		assertThat(newest.path("amountRemaining").asLong()).isEqualTo(9900);
		assertThat(newest.path("currency").asString()).isEqualTo("USD");
		assertThat(newest.path("hostedUrl").asString()).isEqualTo("https://invoice.stripe.com/i/in_invoices_b");
		assertThat(next.path("data")).as(page + " then " + next).hasSize(1);
		var older = next.path("data").get(0);
		assertThat(older.path("id").asString()).isEqualTo("in_invoices_a");
		assertThat(older.path("status").asString()).isEqualTo("paid");
		assertThat(older.path("amountPaid").asLong()).isEqualTo(9900);
		assertThat(next.has("nextCursor")).isFalse();
		assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
		assertThat(mine.body().path("data").findValuesAsString("id")).containsExactly("in_invoices_b", "in_invoices_a");
		assertThat(api.get("/v1/customers/" + Api.encode(otherCustomer) + "/invoices").body().path("data")).isEmpty();
		assertThat(api.get("/v1/customers/nobody-here/invoices").status()).isEqualTo(404);
	}

	// the event catalog

	private List<JsonNode> outboundEvents(String customerId) {
		var response = api.get("/v1/customers/" + Api.encode(customerId) + "/events?limit=500");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var events = new ArrayList<JsonNode>();
		response.body().path("data").forEach(e -> events.add(0, e));
		return events;
	}

	private JsonNode outboundEvent(String customerId, String type) {
		var found = outboundEvents(customerId).stream().filter(e -> e.path("type").asString().equals(type)).toList();
		assertThat(found).as(type).hasSize(1);
		return found.get(0).path("data");
	}

	@Test
	void whatStripeChangesIsToldInTheEventLog() {
		// given
		var id = newCustomer("stripe-told");
		var now = Instant.now();
		delivered(StripeEvents.event("evt_told_checkout", "checkout.session.completed", now.minusSeconds(60),
				StripeEvents.checkoutSession("cs_told", id, "cus_told", "sub_told")));
		delivered(subscriptionEvent("evt_told_1", "customer.subscription.created", now.minusSeconds(50), "sub_told",
				"cus_told", "active", "price_assistant_pro_monthly", id));

		// when
		delivered(subscriptionEvent("evt_told_2", "customer.subscription.updated", now.minusSeconds(40), "sub_told",
				"cus_told", "past_due", "price_assistant_pro_monthly", id));
		delivered(subscriptionEvent("evt_told_3", "customer.subscription.updated", now.minusSeconds(30), "sub_told",
				"cus_told", "unpaid", "price_assistant_pro_monthly", id));
		delivered(subscriptionEvent("evt_told_4", "customer.subscription.updated", now.minusSeconds(25), "sub_told",
				"cus_told", "active", "price_assistant_pro_monthly", id));
		delivered(StripeEvents.event("evt_told_5", "invoice.finalized", now.minusSeconds(20),
				StripeEvents.invoice("in_told", "cus_told", "open", 9900, 0, PERIOD_START, PERIOD_END)));
		delivered(StripeEvents.event("evt_told_6", "invoice.payment_failed", now.minusSeconds(15),
				StripeEvents.invoice("in_told", "cus_told", "open", 9900, 0, PERIOD_START, PERIOD_END)));
		delivered(StripeEvents.event("evt_told_7", "invoice.payment_succeeded", now.minusSeconds(10),
				StripeEvents.invoice("in_told", "cus_told", "paid", 9900, 9900, PERIOD_START, PERIOD_END)));
		delivered(StripeEvents.event("evt_told_8", "invoice.paid", now.minusSeconds(10),
				StripeEvents.invoice("in_told", "cus_told", "paid", 9900, 9900, PERIOD_START, PERIOD_END)));
		var trialing = StripeEvents.subscription("sub_told", "cus_told", "trialing", "price_assistant_pro_monthly",
				PERIOD_START, PERIOD_END, id);
		var trialEnd = Instant.parse("2031-03-14T09:00:00Z");
		trialing.put("trial_end", trialEnd.getEpochSecond());
		delivered(StripeEvents.event("evt_told_9", "customer.subscription.trial_will_end", now, trialing));

		// then
		assertThat(outboundEvents(id).stream().map(e -> e.path("type").asString()).toList()).containsSubsequence(
				"subscription.changed", "subscription.past_due", "subscription.unpaid", "subscription.status_changed",
				"invoice.finalized", "invoice.payment_failed", "invoice.paid", "subscription.trial_ending");
		var changed = outboundEvent(id, "subscription.changed");
		assertThat(changed.path("previous").path("plan").path("key").asString()).isEqualTo("free");
		assertThat(changed.path("subscription").path("plan").path("key").asString()).isEqualTo("pro");
		var pastDue = outboundEvent(id, "subscription.past_due");
		assertThat(pastDue.path("subscription").path("status").asString()).isEqualTo("past_due");
		assertThat(pastDue.path("subscription").path("graceEndsAt").asString()).isNotBlank();
		assertThat(pastDue.path("previous").path("status").asString()).isEqualTo("active");
		assertThat(outboundEvent(id, "subscription.unpaid").path("previous").path("status").asString())
			.isEqualTo("past_due");
		var reactivated = outboundEvent(id, "subscription.status_changed");
		assertThat(reactivated.path("previous").path("status").asString()).isEqualTo("unpaid");
		assertThat(reactivated.path("subscription").path("status").asString()).isEqualTo("active");
		assertThat(outboundEvent(id, "invoice.finalized").path("status").asString()).isEqualTo("open");
		assertThat(outboundEvent(id, "invoice.payment_failed").path("amountRemaining").asLong()).isEqualTo(9900);
		var paid = outboundEvent(id, "invoice.paid");
		assertThat(paid.path("id").asString()).isEqualTo("in_told");
		assertThat(paid.path("status").asString()).isEqualTo("paid");
		assertThat(paid.path("amountPaid").asLong()).isEqualTo(9900);
		assertThat(paid.path("customerId").asString()).isEqualTo(id);
		var trial = outboundEvent(id, "subscription.trial_ending");
		assertThat(Instant.parse(trial.path("trialEndsAt").asString())).isEqualTo(trialEnd);
		assertThat(trial.path("subscription").path("customerId").asString()).isEqualTo(id);
	}

}

package dev.plangate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
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
 * Plan changes made through Plangate's API for customers Stripe bills: carried to Stripe
 * (a stand-in that checks the form fields Stripe would receive) before Plangate applies
 * them, and Stripe's events about them recognised.
 */
@FreshSchema
class StripePlanChangeTest extends ServerTest {

	private static final String SECRET = "whsec_plan_change_0123456789";

	private static final WireMockServer stripeApi = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	static {
		stripeApi.start();
	}

	@DynamicPropertySource
	static void stripe(DynamicPropertyRegistry registry) {
		StripeEvents.register(registry, "stripe_plan_change", "sk_test_plan_change_0123456789", stripeApi.port(),
				SECRET);
	}

	private static final SecondNode secondNode = new SecondNode();

	@AfterAll
	static void stopSecondNodeAndStripe() {
		secondNode.stop();
		stripeApi.stop();
	}

	@Autowired
	private Environment environment;

	private static final Instant PERIOD_START = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(3));

	private static final Instant PERIOD_END = PERIOD_START.plus(Duration.ofDays(30));

	private static final String PRO = "price_assistant_pro_monthly";

	private static final String STARTER = "price_assistant_starter_monthly";

	private static final String BUSINESS = "price_assistant_business_monthly";

	@BeforeEach
	void resetStripe() {
		stripeApi.resetAll();
	}

	// helpers

	private Api.Response deliver(Api node, String payload) {
		return node.sendRaw("POST", "/v1/billing/stripe/webhook", HttpRequest.BodyPublishers.ofString(payload),
				Map.of("Content-Type", "application/json", "Stripe-Signature",
						StripeEvents.sign(payload, SECRET, Instant.now())));
	}

	private JsonNode delivered(String payload) {
		var response = deliver(anonymous, payload);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private static Map<String, Object> stripeSubscription(String name, String price, String id) {
		return StripeEvents.subscription("sub_" + name, "cus_" + name, "active", price, PERIOD_START, PERIOD_END, id);
	}

	private static String subscriptionEvent(String eventId, Instant created, Map<String, Object> subscription) {
		return StripeEvents.event(eventId, "customer.subscription.updated", created, subscription);
	}

	/** A customer Stripe bills for a plan, as its webhook said. */
	private String billed(String name, String price) {
		var id = newCustomer(name);
		delivered(StripeEvents.event("evt_" + name + "_created", "customer.subscription.created",
				Instant.now().minusSeconds(30), stripeSubscription(name, price, id)));
		stripeApi.stubFor(WireMock.get(WireMock.urlPathEqualTo("/v1/subscriptions/sub_" + name))
			.willReturn(WireMock.okJson(Api.json(stripeSubscription(name, price, id)))));
		return id;
	}

	private static void stripeAnswers(String path, Map<String, Object> object) {
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo(path))
			.willReturn(WireMock.okJson(Api.json(object)).withHeader("Request-Id", "req_test")));
	}

	private static Map<String, Object> schedule(String id, String subscription) {
		return Map.of("id", id, "object", "subscription_schedule", "subscription", subscription, "end_behavior",
				"release", "phases", List.of(Map.of("start_date", PERIOD_START.getEpochSecond(), "end_date",
						PERIOD_END.getEpochSecond(), "items", List.of())));
	}

	private static String path(String id) {
		return "/v1/customers/" + Api.encode(id) + "/subscription";
	}

	private JsonNode subscription(String id) {
		return api.get(path(id)).body();
	}

	private JsonNode history(String id) {
		return api.get(path(id) + "/history").body().path("data");
	}

	private static String plan(JsonNode subscription) {
		return subscription.path("plan").path("key").asString();
	}

	private static String keyPattern(String operation, String id, String plan) {
		return "plangate-" + operation + "-" + id + "-" + plan + "-v\\d+-\\d+"
				+ (operation.equals("upgrade") || operation.equals("downgrade") ? "-[0-9a-f]{8}" : "");
	}

	// upgrades and downgrades now

	@Test
	void anUpgradeIsChargedInStripeAtOnceThenAppliedAndItsOwnEventChangesNothingMore() {
		// given
		var id = billed("plc_up", STARTER);
		stripeAnswers("/v1/subscriptions/sub_plc_up", stripeSubscription("plc_up", PRO, id));

		// when
		var upgrade = api.post(path(id), "{\"plan\":\"pro\"}");
		var retried = api.post(path(id), "{\"plan\":\"pro\"}");
		int changes = history(id).size();
		var echo = delivered(subscriptionEvent("evt_plc_up_echo", Instant.now().plusSeconds(1),
				stripeSubscription("plc_up", PRO, id)));
		var older = delivered(subscriptionEvent("evt_plc_up_older", Instant.now().minusSeconds(20),
				stripeSubscription("plc_up", STARTER, id)));

		// then
		assertThat(upgrade.status()).as(upgrade.toString()).isEqualTo(200);
		assertThat(plan(upgrade.body())).isEqualTo("pro");
		assertThat(retried.status()).as(retried.toString()).isEqualTo(200);
		stripeApi.verify(1,
				WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/subscriptions/sub_plc_up"))
					.withRequestBody(WireMock.containing("items[0][id]=si_plc_up"))
					.withRequestBody(WireMock.containing("items[0][price]=" + PRO))
					.withRequestBody(WireMock.containing("proration_behavior=always_invoice"))
					.withRequestBody(WireMock.containing("payment_behavior=error_if_incomplete"))
					.withHeader("Idempotency-Key", WireMock.matching(keyPattern("upgrade", id, "pro"))));
		assertThat(echo.path("outcome").asString()).as(echo.toString()).isEqualTo("processed");
		assertThat(older.path("outcome").asString()).as(older.toString()).isEqualTo("ignored");
		assertThat(plan(subscription(id))).isEqualTo("pro");
		var actions = history(id).findValuesAsString("action");
		assertThat(actions.stream().filter("plan_changed"::equals)).as(actions.toString()).hasSize(2);
		assertThat(history(id).size()).isLessThanOrEqualTo(changes + 1);
		assertThat(history(id).get(changes - 1).path("actor").asString()).isNotEqualTo("stripe");
	}

	@Test
	void aDowngradeNowIsCreditedOnTheNextInvoice() {
		// given
		var id = billed("plc_down_now", PRO);
		stripeAnswers("/v1/subscriptions/sub_plc_down_now", stripeSubscription("plc_down_now", STARTER, id));

		// when
		var downgrade = api.post(path(id), "{\"plan\":\"starter\",\"when\":\"now\"}");

		// then
		assertThat(downgrade.status()).as(downgrade.toString()).isEqualTo(200);
		assertThat(plan(downgrade.body())).isEqualTo("starter");
		stripeApi.verify(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/subscriptions/sub_plc_down_now"))
			.withRequestBody(WireMock.containing("items[0][price]=" + STARTER))
			.withRequestBody(WireMock.containing("proration_behavior=create_prorations"))
			.withRequestBody(WireMock.notContaining("payment_behavior"))
			.withHeader("Idempotency-Key", WireMock.matching(keyPattern("downgrade", id, "starter"))));
	}

	// downgrades at the period's end

	@Test
	void aDowngradeWaitsForThePeriodsEndAsAStripeScheduleAndCanBeTakenBack() {
		// given
		var id = billed("plc_sched", PRO);
		stripeAnswers("/v1/subscription_schedules", schedule("sub_sched_plc", "sub_plc_sched"));
		stripeAnswers("/v1/subscription_schedules/sub_sched_plc", schedule("sub_sched_plc", "sub_plc_sched"));

		// when
		var downgrade = api.post(path(id), "{\"plan\":\"starter\"}");
		var scheduledInStripe = stripeSubscription("plc_sched", PRO, id);
		scheduledInStripe.put("schedule", "sub_sched_plc");
		var echo = delivered(subscriptionEvent("evt_plc_sched_echo", Instant.now().plusSeconds(1), scheduledInStripe));
		var afterEcho = subscription(id);
		stripeApi.stubFor(WireMock.get(WireMock.urlPathEqualTo("/v1/subscriptions/sub_plc_sched"))
			.willReturn(WireMock.okJson(Api.json(scheduledInStripe))));
		stripeAnswers("/v1/subscription_schedules/sub_sched_plc/release", schedule("sub_sched_plc", "sub_plc_sched"));
		var release = api.delete(path(id) + "/pending-change");

		// then
		assertThat(downgrade.status()).as(downgrade.toString()).isEqualTo(200);
		assertThat(plan(downgrade.body())).isEqualTo("pro");
		assertThat(downgrade.body().path("pendingChange").path("plan").path("key").asString()).isEqualTo("starter");
		stripeApi.verify(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/subscription_schedules"))
			.withRequestBody(WireMock.equalTo("from_subscription=sub_plc_sched"))
			.withHeader("Idempotency-Key", WireMock.matching(keyPattern("schedule", id, "starter"))));
		stripeApi.verify(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/subscription_schedules/sub_sched_plc"))
			.withRequestBody(WireMock.containing("end_behavior=release"))
			.withRequestBody(WireMock.containing("phases[0][items][0][price]=" + PRO))
			.withRequestBody(WireMock.containing("phases[0][start_date]=" + PERIOD_START.getEpochSecond()))
			.withRequestBody(WireMock.containing("phases[0][end_date]=" + PERIOD_END.getEpochSecond()))
			.withRequestBody(WireMock.containing("phases[1][items][0][price]=" + STARTER))
			.withRequestBody(WireMock.containing("phases[1][start_date]=" + PERIOD_END.getEpochSecond()))
			.withHeader("Idempotency-Key", WireMock.matching(keyPattern("schedule-phases", id, "starter"))));
		assertThat(echo.path("outcome").asString()).as(echo.toString()).isEqualTo("processed");
		assertThat(afterEcho.path("pendingChange").path("plan").path("key").asString()).as(afterEcho.toString())
			.isEqualTo("starter");
		assertThat(release.status()).as(release.toString()).isEqualTo(200);
		assertThat(release.body().has("pendingChange")).isFalse();
		stripeApi.verify(1,
				WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/subscription_schedules/sub_sched_plc/release"))
					.withHeader("Idempotency-Key", WireMock.matching(keyPattern("release", id, "pro"))));
	}

	// cancelling

	@Test
	void aCancellationIsSetInStripeForThePeriodsEndAndResumingTakesItBack() {
		// given
		var id = billed("plc_cancel", PRO);
		stripeAnswers("/v1/subscriptions/sub_plc_cancel", stripeSubscription("plc_cancel", PRO, id));

		// when
		var cancel = api.delete(path(id));
		var resume = api.post(path(id) + "/resume", "");

		// then
		assertThat(cancel.status()).as(cancel.toString()).isEqualTo(200);
		assertThat(cancel.body().path("cancelAtPeriodEnd").asBoolean()).isTrue();
		assertThat(resume.status()).as(resume.toString()).isEqualTo(200);
		assertThat(resume.body().path("cancelAtPeriodEnd").asBoolean()).isFalse();
		stripeApi.verify(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/subscriptions/sub_plc_cancel"))
			.withRequestBody(WireMock.equalTo("cancel_at_period_end=true"))
			.withHeader("Idempotency-Key", WireMock.matching(keyPattern("cancel", id, "free"))));
		stripeApi.verify(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/subscriptions/sub_plc_cancel"))
			.withRequestBody(WireMock.equalTo("cancel_at_period_end=false"))
			.withHeader("Idempotency-Key", WireMock.matching(keyPattern("resume", id, "pro"))));
	}

	@Test
	void anImmediateCancellationCancelsTheStripeSubscription() {
		// given
		var id = billed("plc_cancel_now", PRO);
		var canceled = stripeSubscription("plc_cancel_now", PRO, id);
		canceled.put("status", "canceled");
		stripeApi.stubFor(WireMock.delete(WireMock.urlPathEqualTo("/v1/subscriptions/sub_plc_cancel_now"))
			.willReturn(WireMock.okJson(Api.json(canceled))));

		// when
		var cancel = api.delete(path(id) + "?immediately=true");
		var deleted = delivered(StripeEvents.event("evt_plc_cancel_now_deleted", "customer.subscription.deleted",
				Instant.now().plusSeconds(1), canceled));

		// then
		assertThat(cancel.status()).as(cancel.toString()).isEqualTo(200);
		assertThat(plan(cancel.body())).isEqualTo("free");
		stripeApi.verify(1, WireMock.deleteRequestedFor(WireMock.urlPathEqualTo("/v1/subscriptions/sub_plc_cancel_now"))
			.withHeader("Idempotency-Key", WireMock.matching(keyPattern("cancel-now", id, "free"))));
		assertThat(deleted.path("outcome").asString()).as(deleted.toString()).isEqualTo("processed");
		assertThat(history(id).findValuesAsString("action").stream().filter("canceled"::equals)).hasSize(1);
	}

	@Test
	void aFreePlanIsReachedByCancellingNotByAChange() {
		// given
		var id = billed("plc_free", PRO);

		// when
		var toFree = api.post(path(id), "{\"plan\":\"free\",\"when\":\"now\"}");

		// then
		assertThat(toFree.status()).as(toFree.toString()).isEqualTo(422);
		assertThat(toFree.code()).isEqualTo("plan_not_for_sale");
		assertThat(toFree.body().path("detail").asString()).contains("cancel");
		assertThat(stripeApi.findAll(WireMock.postRequestedFor(WireMock.anyUrl()))).isEmpty();
		assertThat(plan(subscription(id))).isEqualTo("pro");
	}

	@Test
	void aDowngradeTheCustomerHoldsTooMuchForIsRefusedBeforeStripeIsAskedUnlessForced() {
		// given: 3 locations on business, pro allows 5 and starter 1
		var id = billed("plc_blocked", BUSINESS);
		var consumed = api.post("/v1/consume", Api.json(Map.of("customerId", id, "feature", "locations", "amount", 3,
				"idempotencyKey", "plc-blocked-locations")));
		assertThat(consumed.status()).as(consumed.toString()).isEqualTo(200);
		stripeAnswers("/v1/subscriptions/sub_plc_blocked", stripeSubscription("plc_blocked", STARTER, id));

		// when
		var blocked = api.post(path(id), "{\"plan\":\"starter\",\"when\":\"now\"}");
		var askedStripe = stripeApi.findAll(WireMock.postRequestedFor(WireMock.anyUrl())).size();
		var forced = api.post(path(id), "{\"plan\":\"starter\",\"when\":\"now\",\"force\":true}");

		// then
		assertThat(blocked.status()).as(blocked.toString()).isEqualTo(409);
		assertThat(blocked.code()).isEqualTo("downgrade_blocked");
		assertThat(askedStripe).isZero();
		assertThat(forced.status()).as(forced.toString()).isEqualTo(200);
		assertThat(plan(forced.body())).isEqualTo("starter");
		stripeApi.verify(1, WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/subscriptions/sub_plc_blocked"))
			.withRequestBody(WireMock.containing("items[0][price]=" + STARTER)));
	}

	// Stripe refusing or unreachable

	@Test
	void aDeclinedCardOrAnUnreachableStripeChangesNothing() {
		// given
		var id = billed("plc_declined", STARTER);
		int changes = history(id).size();
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/subscriptions/sub_plc_declined"))
			.willReturn(WireMock.aResponse()
				.withStatus(402)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":{\"type\":\"card_error\",\"code\":\"card_declined\","
						+ "\"message\":\"Your card was declined.\"}}")));

		// when
		var declined = api.post(path(id), "{\"plan\":\"pro\"}");
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/subscriptions/sub_plc_declined"))
			.willReturn(WireMock.aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));
		var unreachable = api.post(path(id), "{\"plan\":\"pro\"}");

		// then
		assertThat(declined.status()).as(declined.toString()).isEqualTo(502);
		assertThat(declined.code()).isEqualTo("payment_provider_refused");
		assertThat(declined.body().path("providerCode").asString()).isEqualTo("card_declined");
		assertThat(declined.body().path("detail").asString()).contains("Your card was declined.");
		assertThat(unreachable.status()).as(unreachable.toString()).isEqualTo(503);
		assertThat(unreachable.code()).isEqualTo("payment_provider_unavailable");
		assertThat(plan(subscription(id))).isEqualTo("starter");
		assertThat(history(id).size()).isEqualTo(changes);
	}

	// a change racing Stripe's event about it

	@Test
	void anApiChangeRacingStripesEventOnTwoNodesEndsAsStripeSaysOnce() throws Exception {
		var other = secondNode.startLike(environment).api(null);
		for (int round = 0; round < 3; round++) {
			// given
			var name = "plc_race_" + round;
			var id = billed(name, STARTER);
			stripeAnswers("/v1/subscriptions/sub_" + name, stripeSubscription(name, BUSINESS, id));
			var echo = subscriptionEvent("evt_" + name + "_echo", Instant.now().plusSeconds(1),
					stripeSubscription(name, BUSINESS, id));

			// when
			var tasks = new ArrayList<Callable<Api.Response>>();
			tasks.add(() -> api.post(path(id), "{\"plan\":\"business\",\"when\":\"now\"}"));
			tasks.add(() -> deliver(other, echo));
			var responses = Race.run(tasks);

			// then
			assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
			assertThat(plan(subscription(id))).isEqualTo("business");
			var actions = history(id).findValuesAsString("action");
			assertThat(actions.stream().filter("plan_changed"::equals)).as(actions.toString()).hasSize(2);
			stripeApi.verify(WireMock.lessThanOrExactly(1),
					WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/subscriptions/sub_" + name)));
		}
	}

	// previews

	@Test
	void aPreviewIsStripesUpcomingInvoiceWithTheChange() {
		// given
		var id = billed("plc_preview", STARTER);
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoices/create_preview"))
			.withRequestBody(WireMock.containing("always_invoice"))
			.willReturn(
					WireMock.okJson(Api.json(Map.of("object", "invoice", "currency", "usd", "amount_due", 6_500)))));
		stripeApi.stubFor(WireMock.post(WireMock.urlPathEqualTo("/v1/invoices/create_preview"))
			.withRequestBody(WireMock.containing("subscription_details[proration_behavior]=none"))
			.willReturn(
					WireMock.okJson(Api.json(Map.of("object", "invoice", "currency", "usd", "amount_due", 2_900)))));
		int changes = history(id).size();

		// when
		var upgrade = api.get(path(id) + "/preview?plan=pro&when=now");
		var later = api.get(path(id) + "/preview?plan=pro&when=period_end");

		// then
		assertThat(upgrade.status()).as(upgrade.toString()).isEqualTo(200);
		assertThat(upgrade.body().path("source").asString()).isEqualTo("stripe");
		assertThat(upgrade.body().path("dueNow").asLong()).isEqualTo(6_500);
		assertThat(upgrade.body().path("nextInvoice").path("amount").asLong()).isEqualTo(9_900);
		assertThat(upgrade.body().has("proration")).isFalse();
		stripeApi.verify(WireMock.postRequestedFor(WireMock.urlPathEqualTo("/v1/invoices/create_preview"))
			.withRequestBody(WireMock.containing("customer=cus_plc_preview"))
			.withRequestBody(WireMock.containing("subscription=sub_plc_preview"))
			.withRequestBody(WireMock.containing("subscription_details[items][0][id]=si_plc_preview"))
			.withRequestBody(WireMock.containing("subscription_details[items][0][price]=" + PRO))
			.withRequestBody(WireMock.containing("subscription_details[proration_behavior]=always_invoice"))
			.withRequestBody(WireMock.containing("subscription_details[proration_date]=")));
		assertThat(later.status()).as(later.toString()).isEqualTo(200);
		assertThat(later.body().path("when").asString()).isEqualTo("period_end");
		assertThat(later.body().path("dueNow").asLong()).isZero();
		assertThat(later.body().path("nextInvoice").path("amount").asLong()).isEqualTo(2_900);
		assertThat(history(id).size()).as("a preview changes nothing").isEqualTo(changes);
		assertThat(plan(subscription(id))).isEqualTo("starter");
	}

}

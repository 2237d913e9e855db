package dev.plangate.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;

import dev.plangate.support.Api;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;
import tools.jackson.databind.JsonNode;

/**
 * The operational side of Stripe billing, on a server where Stripe takes the payments:
 * events whose processing fails are kept and retried, operators list, read and replay
 * events.
 */
@FreshSchema
class StripeOperationsTest extends ServerTest {

	private static final String SECRET = "whsec_operations_0123456789";

	private static final String WEBHOOK = "/v1/billing/stripe/webhook";

	/** Stripe's API, as far as Plangate calls it. */
	private static final WireMockServer stripeApi = new WireMockServer(WireMockConfiguration.options().dynamicPort());

	static {
		stripeApi.start();
	}

	@DynamicPropertySource
	static void stripe(DynamicPropertyRegistry registry) {
		StripeEvents.register(registry, "stripe_operations", "sk_test_operations_0123456789", stripeApi.port(), SECRET);
		registry.add("plangate.stripe.events.max-attempts", () -> "3");
		// the tests run the retry job themselves
		registry.add("plangate.stripe.events.poll-interval", () -> "1h");
	}

	@AfterAll
	static void stopStripe() {
		stripeApi.stop();
	}

	@MockitoSpyBean
	private StripeSubscriptions subscriptions;

	@Autowired
	private StripeEventRetries retries;

	@Autowired
	private JdbcClient jdbc;

	private static final Instant PERIOD_START = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(3));

	private static final Instant PERIOD_END = PERIOD_START.plus(Duration.ofDays(30));

	private Api.Response deliver(String payload) {
		return anonymous.sendRaw("POST", WEBHOOK, java.net.http.HttpRequest.BodyPublishers.ofString(payload),
				Map.of("Content-Type", "application/json", "Stripe-Signature",
						StripeEvents.sign(payload, SECRET, Instant.now())));
	}

	private static String created(String eventId, String customerId, String price) {
		return StripeEvents.event(eventId, "customer.subscription.created", Instant.now(),
				StripeEvents.subscription("sub_" + eventId.substring(4), "cus_" + eventId.substring(4), "active", price,
						PERIOD_START, PERIOD_END, customerId));
	}

	/** Processing the event throws, {@code times} times, then works. */
	private void failing(String eventId, int times) {
		var stub = doThrow(new IllegalStateException("the database hiccuped"));
		for (int i = 1; i < times; i++) {
			stub = stub.doThrow(new IllegalStateException("the database hiccuped again"));
		}
		stub.doCallRealMethod().when(subscriptions).apply(argThat(e -> e != null && eventId.equals(e.getId())));
	}

	private Map<String, Object> row(String eventId) {
		return jdbc.sql("select outcome, attempts, last_error, next_attempt_at from stripe_event where event_id = :id")
			.param("id", eventId)
			.query()
			.singleRow();
	}

	/** Makes the event's next attempt due now. */
	private void due(String eventId) {
		jdbc.sql("update stripe_event set next_attempt_at = :at where event_id = :id")
			.param("id", eventId)
			.param("at", java.time.OffsetDateTime.now().minusSeconds(1))
			.update();
	}

	private String plan(String customerId) {
		return api.get("/v1/customers/" + Api.encode(customerId) + "/subscription")
			.body()
			.path("plan")
			.path("key")
			.asString();
	}

	@Test
	void anEventWhoseProcessingFailsIsKeptAnswered503AndProcessedByTheRetryJob() {
		// given
		var id = newCustomer("ops-retried");
		failing("evt_ops_retried", 1);

		// when
		var first = deliver(created("evt_ops_retried", id, "price_assistant_pro_monthly"));
		var failed = row("evt_ops_retried");
		var notYetDue = retries.retryDue();
		due("evt_ops_retried");
		int retried = retries.retryDue();

		// then
		assertThat(first.status()).as(first.toString()).isEqualTo(503);
		assertThat(first.code()).isEqualTo("billing_event_failed");
		assertThat(failed.get("outcome")).isEqualTo("failed");
		assertThat(((Number) failed.get("attempts")).intValue()).isEqualTo(1);
		assertThat((String) failed.get("last_error")).contains("the database hiccuped");
		assertThat(failed.get("next_attempt_at")).isNotNull();
		assertThat(notYetDue).isZero();
		assertThat(retried).isEqualTo(1);
		var after = row("evt_ops_retried");
		assertThat(after.get("outcome")).isEqualTo("processed");
		assertThat(((Number) after.get("attempts")).intValue()).isEqualTo(2);
		assertThat(after.get("next_attempt_at")).isNull();
		assertThat(plan(id)).isEqualTo("pro");
		var again = deliver(created("evt_ops_retried", id, "price_assistant_pro_monthly"));
		assertThat(again.body().path("outcome").asString()).as(again.toString()).isEqualTo("duplicate");
	}

	@Test
	void twoRetryJobsAtOnceProcessAFailedEventOnce() throws Exception {
		// given: a failed event, due, whose processing then takes a while
		var id = newCustomer("ops-two-jobs");
		failing("evt_ops_two_jobs", 1);
		deliver(created("evt_ops_two_jobs", id, "price_assistant_pro_monthly"));
		doAnswer(invocation -> {
			Thread.sleep(300);
			return invocation.callRealMethod();
		}).when(subscriptions).apply(argThat(e -> e != null && "evt_ops_two_jobs".equals(e.getId())));
		due("evt_ops_two_jobs");

		// when
		var rounds = Race.run(java.util.List.<java.util.concurrent.Callable<Integer>>of(retries::retryDue,
				retries::retryDue, retries::retryDue));

		// then
		assertThat(rounds.stream().mapToInt(Integer::intValue).sum()).isEqualTo(1);
		assertThat(row("evt_ops_two_jobs").get("outcome")).isEqualTo("processed");
		assertThat(((Number) row("evt_ops_two_jobs").get("attempts")).intValue()).isEqualTo(2);
		var changes = api.get("/v1/customers/" + Api.encode(id) + "/subscription/history").body().path("data");
		assertThat(changes.findValuesAsString("action").stream().filter("plan_changed"::equals)).hasSize(1);
	}

	@Test
	void retrySettingsAreCheckedAndTheBackoffDoublesUpToItsMaximum() {
		var settings = new StripeEventSettings(8, Duration.ofMinutes(1), Duration.ofMinutes(5), Duration.ofSeconds(30));
		assertThat(settings.backoff(1)).isEqualTo(Duration.ofMinutes(1));
		assertThat(settings.backoff(2)).isEqualTo(Duration.ofMinutes(2));
		assertThat(settings.backoff(3)).isEqualTo(Duration.ofMinutes(4));
		assertThat(settings.backoff(4)).isEqualTo(Duration.ofMinutes(5));
		assertThat(settings.backoff(60)).isEqualTo(Duration.ofMinutes(5));
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> new StripeEventSettings(0, Duration.ofMinutes(1), Duration.ofHours(1),
					Duration.ofSeconds(30)))
			.withMessageContaining("PLANGATE_STRIPE_EVENTS_MAX_ATTEMPTS");
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(
					() -> new StripeEventSettings(8, Duration.ofHours(2), Duration.ofHours(1), Duration.ofSeconds(30)))
			.withMessageContaining("PLANGATE_STRIPE_EVENTS_RETRY_MAX");
	}

	@Test
	void stripesRedeliveryOfAFailedEventProcessesItAgain() {
		// given
		var id = newCustomer("ops-redelivered");
		failing("evt_ops_redelivered", 1);
		var event = created("evt_ops_redelivered", id, "price_assistant_business_monthly");
		var first = deliver(event);

		// when
		var second = deliver(event);

		// then
		assertThat(first.status()).as(first.toString()).isEqualTo(503);
		assertThat(plan(id)).isEqualTo("business");
		assertThat(second.status()).as(second.toString()).isEqualTo(200);
		assertThat(second.body().path("outcome").asString()).isEqualTo("processed");
		assertThat(row("evt_ops_redelivered").get("outcome")).isEqualTo("processed");
	}

	@Test
	void anEventThatKeepsFailingStaysFailedOnceItsAttemptsAreSpent() {
		// given
		var id = newCustomer("ops-exhausted");
		failing("evt_ops_exhausted", 10);
		deliver(created("evt_ops_exhausted", id, "price_assistant_pro_monthly"));

		// when
		due("evt_ops_exhausted");
		retries.retryDue();
		due("evt_ops_exhausted");
		retries.retryDue();
		var spent = row("evt_ops_exhausted");
		int afterwards = retries.retryDue();

		// then
		assertThat(spent.get("outcome")).isEqualTo("failed");
		assertThat(((Number) spent.get("attempts")).intValue()).isEqualTo(3);
		assertThat(spent.get("next_attempt_at")).isNull();
		assertThat(afterwards).isZero();
		assertThat(plan(id)).isEqualTo("free");
	}

	// the operator's view

	private static final String EVENTS = "/v1/admin/billing/events";

	@Test
	void operatorsListEventsNewestFirstByStatusAndTypeAPageAtATime() {
		// given: an ignored, a processed delivered twice, and a failed event
		var id = newCustomer("ops-list");
		deliver(StripeEvents.event("evt_ops_list_other", "charge.refunded", Instant.now(),
				Map.of("id", "ch_ops_list", "object", "charge")));
		var processed = created("evt_ops_list_ok", id, "price_assistant_starter_monthly");
		deliver(processed);
		deliver(processed);
		failing("evt_ops_list_failed", 10);
		deliver(StripeEvents.event("evt_ops_list_failed", "customer.subscription.updated", Instant.now(),
				StripeEvents.subscription("sub_ops_list_ok", "cus_ops_list_ok", "active", "price_assistant_pro_monthly",
						PERIOD_START, PERIOD_END, id)));

		// when
		var failed = api.get(EVENTS + "?status=failed").body().path("data");
		var duplicates = api.get(EVENTS + "?status=duplicate").body().path("data");
		var ignored = api.get(EVENTS + "?status=ignored&type=charge.refunded").body().path("data");
		var first = api.get(EVENTS + "?limit=2").body();
		var second = api.get(EVENTS + "?limit=2&cursor=" + first.path("nextCursor").asString()).body();

		// then
		assertThat(failed.findValuesAsString("id")).contains("evt_ops_list_failed")
			.doesNotContain("evt_ops_list_ok", "evt_ops_list_other");
		var failure = failed.get(0);
		assertThat(failure.path("outcome").asString()).isEqualTo("failed");
		assertThat(failure.path("attempts").asInt()).isEqualTo(1);
		assertThat(failure.path("lastError").asString()).contains("the database hiccuped");
		assertThat(failure.has("nextAttemptAt")).isTrue();
		assertThat(failure.has("object")).as("a list carries no payload summary").isFalse();
		assertThat(duplicates.findValuesAsString("id")).contains("evt_ops_list_ok")
			.doesNotContain("evt_ops_list_other");
		assertThat(ignored.findValuesAsString("id")).containsExactly("evt_ops_list_other");
		assertThat(first.path("data").findValuesAsString("id")).containsExactly("evt_ops_list_failed",
				"evt_ops_list_ok");
		assertThat(second.path("data").get(0).path("id").asString()).isEqualTo("evt_ops_list_other");
	}

	@Test
	void anEventIgnoredBeforeItsCustomerExistedIsReplayedOnceItDoesAndTheReplayIsAudited() {
		// given: Stripe names a customer Plangate does not have yet
		var id = uniqueId("ops-replayed");
		var first = deliver(created("evt_ops_replayed", id, "price_assistant_pro_monthly"));
		api.put("/v1/customers/" + id, "{\"name\":\"later\"}");

		// when
		var read = api.get(EVENTS + "/evt_ops_replayed").body();
		var replayed = api.post(EVENTS + "/evt_ops_replayed/replay", "");
		var after = api.get(EVENTS + "/evt_ops_replayed").body();

		// then
		assertThat(first.body().path("outcome").asString()).as(first.toString()).isEqualTo("ignored");
		assertThat(read.path("outcome").asString()).isEqualTo("ignored");
		assertThat(read.path("detail").asString()).contains(id);
		assertThat(read.path("type").asString()).isEqualTo("customer.subscription.created");
		var object = read.path("object");
		assertThat(object.path("object").asString()).isEqualTo("subscription");
		assertThat(object.path("id").asString()).isEqualTo("sub_ops_replayed");
		assertThat(object.path("customer").asString()).isEqualTo("cus_ops_replayed");
		assertThat(object.path("status").asString()).isEqualTo("active");
		assertThat(object.path("plangateCustomer").asString()).isEqualTo(id);
		assertThat(replayed.status()).as(replayed.toString()).isEqualTo(200);
		assertThat(replayed.body().path("outcome").asString()).isEqualTo("processed");
		assertThat(after.path("outcome").asString()).isEqualTo("processed");
		assertThat(after.path("attempts").asInt()).isEqualTo(2);
		assertThat(plan(id)).isEqualTo("pro");
		var audit = api.get("/v1/admin/audit-events?targetType=stripe_event&targetId=evt_ops_replayed")
			.body()
			.path("data");
		assertThat(audit.findValuesAsString("action")).containsExactly("billing.event_replayed");
		assertThat(audit.get(0).path("actor").asString()).isNotEqualTo("stripe");
	}

	@Test
	void badQueriesAndUnknownEventsAreClearProblems() {
		// when
		var unknown = api.get(EVENTS + "/evt_nobody_sent");
		var unknownReplay = api.post(EVENTS + "/evt_nobody_sent/replay", "");
		var badStatus = api.get(EVENTS + "?status=lost");
		var badCursor = api.get(EVENTS + "?cursor=not-a-cursor");
		var zeroCursor = api.get(EVENTS + "?cursor=0");
		var badLimit = api.get(EVENTS + "?limit=1000");
		var noKey = anonymous.get(EVENTS);

		// then
		assertThat(unknown.status()).as(unknown.toString()).isEqualTo(404);
		assertThat(unknown.code()).isEqualTo("billing_event_not_found");
		assertThat(unknownReplay.status()).as(unknownReplay.toString()).isEqualTo(404);
		assertThat(unknownReplay.code()).isEqualTo("billing_event_not_found");
		for (var response : java.util.List.of(badStatus, badCursor, zeroCursor, badLimit)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(400);
			assertThat(response.code()).as(response.toString()).isEqualTo("invalid_request");
		}
		assertThat(noKey.status()).as(noKey.toString()).isEqualTo(401);
	}

	// notices mailed ahead of a charge

	private void linked(String customerId, String stripeCustomer) {
		var receipt = deliver(StripeEvents.event("evt_link_" + stripeCustomer, "checkout.session.completed",
				Instant.now(), StripeEvents.checkoutSession("cs_" + stripeCustomer, customerId, stripeCustomer,
						"sub_" + stripeCustomer)));
		assertThat(receipt.body().path("outcome").asString()).as(receipt.toString()).isEqualTo("processed");
	}

	@Test
	void aTrialAboutToEndIsMailedToTheCustomer() {
		// given
		var id = newCustomer("ops-trial");
		linked(id, "cus_ops_trial");
		var trialEnd = Instant.parse("2031-03-14T09:00:00Z");
		var subscription = StripeEvents.subscription("sub_cus_ops_trial", "cus_ops_trial", "trialing",
				"price_assistant_pro_monthly", PERIOD_START, PERIOD_END, null);
		subscription.put("trial_end", trialEnd.getEpochSecond());

		// when
		var receipt = deliver(StripeEvents.event("evt_ops_trial", "customer.subscription.trial_will_end", Instant.now(),
				subscription));

		// then
		assertThat(receipt.body().path("outcome").asString()).as(receipt.toString()).isEqualTo("processed");
		var mail = TestMail.awaitMessageTo(id + "@example.com", Duration.ofSeconds(10));
		assertThat(mail.subject()).isEqualTo("Your Pro trial ends on 2031-03-14");
		assertThat(mail.text()).contains("Hello ops-trial,").contains("Your trial of Pro ends on 2031-03-14");
		assertThat(mail.html()).contains("<b>Pro</b>");
		assertThat(api.get(EVENTS + "/evt_ops_trial").body().path("outcome").asString()).isEqualTo("processed");
	}

	@Test
	void anUpcomingInvoiceIsMailedWithItsAmountAndDate() {
		// given
		var id = newCustomer("ops-upcoming");
		linked(id, "cus_ops_upcoming");
		var invoice = StripeEvents.invoice("in_ops_upcoming", "cus_ops_upcoming", "draft", 9900, 0, PERIOD_START,
				PERIOD_END);
		invoice.remove("id");
		invoice.put("next_payment_attempt", Instant.parse("2031-04-01T10:00:00Z").getEpochSecond());

		// when
		var receipt = deliver(StripeEvents.event("evt_ops_upcoming", "invoice.upcoming", Instant.now(), invoice));

		// then
		assertThat(receipt.body().path("outcome").asString()).as(receipt.toString()).isEqualTo("processed");
		var mail = TestMail.awaitMessageTo(id + "@example.com", Duration.ofSeconds(10));
		assertThat(mail.subject()).isEqualTo("Your next invoice: 99.00 USD on 2031-04-01");
		assertThat(mail.text()).contains("99.00 USD will be charged on 2031-04-01");
		assertThat(api.get("/v1/customers/" + Api.encode(id) + "/invoices").body().path("data"))
			.as("an upcoming invoice is no invoice yet")
			.isEmpty();
	}

	@Test
	void aNoticeForACustomerWithoutAnAddressIsIgnoredWithTheReason() {
		// given
		var id = uniqueId("ops-no-address");
		api.put("/v1/customers/" + id, "{\"name\":\"nobody to write to\"}");
		linked(id, "cus_ops_no_address");
		var invoice = StripeEvents.invoice("in_ops_no_address", "cus_ops_no_address", "draft", 9900, 0, PERIOD_START,
				PERIOD_END);

		// when
		var receipt = deliver(StripeEvents.event("evt_ops_no_address", "invoice.upcoming", Instant.now(), invoice));

		// then
		assertThat(receipt.body().path("outcome").asString()).as(receipt.toString()).isEqualTo("ignored");
		assertThat(receipt.body().path("detail").asString()).contains("no email address");
	}

	// a first payment not made yet

	private static String subscriptionEvent(String eventId, String type, Instant created, String subscriptionId,
			String stripeCustomer, String status, String price, String customerId) {
		return StripeEvents.event(eventId, type, created, StripeEvents.subscription(subscriptionId, stripeCustomer,
				status, price, PERIOD_START, PERIOD_END, customerId));
	}

	private JsonNode check(String customerId, String feature) {
		return api.post("/v1/check", Api.json(Map.of("customerId", customerId, "feature", feature))).body();
	}

	@Test
	void anIncompleteSubscriptionKeepsThePlanItHadUntilTheFirstPaymentGoesThrough() {
		// given: a customer on the free plan checks out Pro, whose first payment is
		// pending
		var id = newCustomer("ops-incomplete");
		var created = deliver(subscriptionEvent("evt_ops_incomplete_1", "customer.subscription.created",
				Instant.now().minusSeconds(10), "sub_ops_incomplete", "cus_ops_incomplete", "incomplete",
				"price_assistant_pro_monthly", id));

		// when
		var whileIncomplete = api.get("/v1/customers/" + Api.encode(id) + "/subscription").body();
		var proOnly = check(id, "advanced_analytics");
		var freeToo = check(id, "basic_queries");
		deliver(subscriptionEvent("evt_ops_incomplete_2", "customer.subscription.updated", Instant.now(),
				"sub_ops_incomplete", "cus_ops_incomplete", "active", "price_assistant_pro_monthly", id));

		// then
		assertThat(created.body().path("outcome").asString()).as(created.toString()).isEqualTo("processed");
		assertThat(whileIncomplete.path("plan").path("key").asString()).isEqualTo("free");
		assertThat(whileIncomplete.path("status").asString()).isEqualTo("incomplete");
		assertThat(proOnly.path("allowed").asBoolean()).as(proOnly.toString()).isFalse();
		assertThat(proOnly.path("code").asString()).isEqualTo("feature_not_in_plan");
		assertThat(freeToo.path("allowed").asBoolean()).as(freeToo.toString()).isTrue();
		assertThat(plan(id)).isEqualTo("pro");
		assertThat(check(id, "advanced_analytics").path("allowed").asBoolean()).isTrue();
	}

	@Test
	void aNewSubscriptionAwaitingItsFirstPaymentDoesNotLiftThePastDueOfTheOneOwedFor() {
		// given: a customer on Starter whose renewal failed
		var id = newCustomer("ops-owing");
		deliver(subscriptionEvent("evt_ops_owing_1", "customer.subscription.updated", Instant.now().minusSeconds(20),
				"sub_ops_owing", "cus_ops_owing", "past_due", "price_assistant_starter_monthly", id));

		// when: Stripe reports the subscription incomplete (a new payment not made yet)
		var incomplete = deliver(
				subscriptionEvent("evt_ops_owing_2", "customer.subscription.updated", Instant.now().minusSeconds(10),
						"sub_ops_owing", "cus_ops_owing", "incomplete", "price_assistant_pro_monthly", id));

		// then
		assertThat(incomplete.status()).as(incomplete.toString()).isEqualTo(200);
		var after = api.get("/v1/customers/" + Api.encode(id) + "/subscription").body();
		assertThat(after.path("status").asString()).isEqualTo("past_due");
		assertThat(after.path("plan").path("key").asString()).isEqualTo("starter");
		assertThat(after.path("pastDueSince").isMissingNode()).isFalse();
	}

	@Test
	void anIncompleteSubscriptionThatExpiresLeavesTheCustomerOnTheDefaultPlan() {
		// given
		var id = newCustomer("ops-expired");
		deliver(subscriptionEvent("evt_ops_expired_1", "customer.subscription.created", Instant.now().minusSeconds(10),
				"sub_ops_expired", "cus_ops_expired", "incomplete", "price_assistant_business_monthly", id));

		// when
		var expired = deliver(subscriptionEvent("evt_ops_expired_2", "customer.subscription.updated", Instant.now(),
				"sub_ops_expired", "cus_ops_expired", "incomplete_expired", "price_assistant_business_monthly", id));

		// then
		assertThat(expired.body().path("outcome").asString()).as(expired.toString()).isEqualTo("processed");
		var after = api.get("/v1/customers/" + Api.encode(id) + "/subscription").body();
		assertThat(after.path("plan").path("key").asString()).isEqualTo("free");
		assertThat(after.path("status").asString()).isEqualTo("active");
		assertThat(check(id, "basic_queries").path("allowed").asBoolean()).isTrue();
	}

	// prices

	private static void stripePrice(String id, boolean active, long amount, String currency, String interval,
			int count) {
		stripeApi.stubFor(WireMock.get(WireMock.urlPathEqualTo("/v1/prices/" + id))
			.willReturn(WireMock.okJson(Api.json(Map.of("id", id, "object", "price", "active", active, "currency",
					currency, "unit_amount", amount, "type", "recurring", "recurring",
					Map.of("interval", interval, "interval_count", count, "usage_type", "licensed"))))));
	}

	@Test
	void thePlansStripePricesAreComparedWithTheCatalog() {
		// given: the catalog sells starter at 2900, pro at 9900, business at 29900,
		// enterprise at 99900, all USD a month
		stripeApi.resetAll();
		stripePrice("price_assistant_starter_monthly", true, 2900, "usd", "month", 1);
		stripePrice("price_assistant_pro_monthly", true, 4900, "usd", "month", 1);
		stripePrice("price_assistant_business_monthly", false, 29900, "eur", "month", 3);
		stripeApi.stubFor(WireMock.get(WireMock.urlPathEqualTo("/v1/prices/price_assistant_enterprise_monthly"))
			.willReturn(WireMock.aResponse()
				.withStatus(404)
				.withHeader("Content-Type", "application/json")
				.withBody("{\"error\":{\"type\":\"invalid_request_error\",\"code\":\"resource_missing\","
						+ "\"message\":\"No such price: 'price_assistant_enterprise_monthly'\",\"param\":\"id\"}}")));

		// when
		var response = api.get("/v1/admin/billing/prices");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var body = response.body();
		assertThat(body.path("status").asString()).isEqualTo("mismatch");
		var byPlan = new java.util.HashMap<String, JsonNode>();
		body.path("plans").forEach(p -> byPlan.put(p.path("plan").asString(), p));
		assertThat(byPlan).containsOnlyKeys("starter", "pro", "business", "enterprise");
		assertThat(byPlan.get("starter").path("status").asString()).isEqualTo("ok");
		assertThat(byPlan.get("starter").has("mismatches")).isFalse();
		var pro = byPlan.get("pro").path("mismatches");
		assertThat(pro).hasSize(1);
		assertThat(pro.get(0).path("field").asString()).isEqualTo("amount");
		assertThat(pro.get(0).path("expected").asString()).isEqualTo("9900");
		assertThat(pro.get(0).path("actual").asString()).isEqualTo("4900");
		assertThat(byPlan.get("business").path("mismatches").findValuesAsString("field"))
			.containsExactlyInAnyOrder("active", "currency", "intervalCount");
		var enterprise = byPlan.get("enterprise").path("mismatches");
		assertThat(enterprise.findValuesAsString("field")).containsExactly("price");
		assertThat(enterprise.get(0).has("actual")).isFalse();
		stripeApi.verify(WireMock.getRequestedFor(WireMock.urlPathEqualTo("/v1/prices/price_assistant_pro_monthly"))
			.withHeader("Authorization", WireMock.equalTo("Bearer sk_test_operations_0123456789")));
	}

	@Test
	void aStripeThatCannotBeReachedMakesThePriceCheckUnavailable() {
		// given
		stripeApi.resetAll();
		stripeApi.stubFor(WireMock.get(WireMock.urlPathMatching("/v1/prices/.*"))
			.willReturn(WireMock.aResponse()
				.withFault(com.github.tomakehurst.wiremock.http.Fault.CONNECTION_RESET_BY_PEER)));

		// when
		var response = api.get("/v1/admin/billing/prices");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(503);
		assertThat(response.code()).isEqualTo("payment_provider_unavailable");
	}

}

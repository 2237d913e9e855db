package dev.plangate.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Subscriptions moving on in time, over HTTP, on a server whose clock the test moves. The
 * server has a database of its own, so its clock never reaches other tests.
 */
@FreshSchema
@Import(SubscriptionTimeTest.Clocks.class)
class SubscriptionTimeTest extends ServerTest {

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(Instant.parse("2027-01-01T00:00:00Z"));
		}

	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "subscription_time");
	}

	@Autowired
	private MovableClock clock;

	private static String subscription(String customerId) {
		return "/v1/customers/" + Api.encode(customerId) + "/subscription";
	}

	private JsonNode read(String customerId) {
		var response = api.get(subscription(customerId));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private JsonNode changePlan(String customerId, String plan) {
		var response = api.post(subscription(customerId), "{\"plan\":\"" + plan + "\"}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private JsonNode cancelAtPeriodEnd(String customerId) {
		var response = api.delete(subscription(customerId));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private JsonNode history(String customerId) {
		var response = api.get(subscription(customerId) + "/history");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data");
	}

	private JsonNode entitlements(String customerId) {
		var response = api.get("/v1/customers/" + Api.encode(customerId) + "/entitlements");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private static Instant instant(JsonNode node) {
		return Instant.parse(node.asString());
	}

	private static String plan(JsonNode subscription) {
		return subscription.path("plan").path("key").asString();
	}

	private static JsonNode last(JsonNode history) {
		return history.get(history.size() - 1);
	}

	@Test
	void serverReadsTheMovableClock() {
		// given
		clock.set(Instant.parse("2031-05-05T05:05:05Z"));

		// when
		var id = newCustomer("time-now");

		// then
		assertThat(instant(read(id).path("currentPeriodStart"))).isEqualTo(Instant.parse("2031-05-05T05:05:05Z"));
	}

	@Test
	void cancellationScheduledForPeriodEndTakesEffectWhenTheClockPassesIt() {
		// given: enterprise from March 10th, canceled for the end of the period
		clock.set(Instant.parse("2027-03-10T12:00:00Z"));
		var id = newCustomer("time-cancel");
		var enterprise = changePlan(id, "enterprise");
		var periodEnd = instant(enterprise.path("currentPeriodEnd"));
		assertThat(periodEnd).isEqualTo(Instant.parse("2027-04-10T12:00:00Z"));
		cancelAtPeriodEnd(id);

		// when: one second before the end
		clock.set(periodEnd.minusSeconds(1));

		// then: still on enterprise
		var before = read(id);
		assertThat(plan(before)).isEqualTo("enterprise");
		assertThat(before.path("cancelAtPeriodEnd").asBoolean()).isTrue();

		// when: the period ends
		clock.set(periodEnd);

		// then: on free from the end, with a period of its own, done by the system
		var entitlements = entitlements(id);
		assertThat(plan(entitlements.path("subscription"))).isEqualTo("free");
		assertThat(entitlements.path("features").path("sso").path("enabled").asBoolean()).isFalse();
		var after = read(id);
		assertThat(plan(after)).isEqualTo("free");
		assertThat(after.path("status").asString()).isEqualTo("active");
		assertThat(after.path("cancelAtPeriodEnd").asBoolean()).isFalse();
		assertThat(instant(after.path("currentPeriodStart"))).isEqualTo(periodEnd);
		assertThat(instant(after.path("currentPeriodEnd"))).isEqualTo(Instant.parse("2027-05-10T12:00:00Z"));
		var history = history(id);
		assertThat(history.findValuesAsString("action")).containsExactly("created", "plan_changed", "cancel_scheduled",
				"canceled");
		var canceled = last(history);
		assertThat(canceled.path("actor").asString()).isEqualTo("system");
		assertThat(canceled.path("fromPlan").asString()).isEqualTo("enterprise");
		assertThat(canceled.path("toPlan").asString()).isEqualTo("free");
		assertThat(instant(canceled.path("changedAt"))).isEqualTo(periodEnd);
	}

	@Test
	void resumedSubscriptionRenewsOnItsPlanWhenTheClockPassesThePeriodEnd() {
		// given
		clock.set(Instant.parse("2027-03-12T12:00:00Z"));
		var id = newCustomer("time-resume");
		changePlan(id, "enterprise");
		cancelAtPeriodEnd(id);
		api.post(subscription(id) + "/resume", null);

		// when
		clock.set(Instant.parse("2027-04-12T12:00:00Z"));

		// then
		var after = read(id);
		assertThat(plan(after)).isEqualTo("enterprise");
		assertThat(instant(after.path("currentPeriodStart"))).isEqualTo(Instant.parse("2027-04-12T12:00:00Z"));
		assertThat(instant(after.path("currentPeriodEnd"))).isEqualTo(Instant.parse("2027-05-12T12:00:00Z"));
		assertThat(last(history(id)).path("action").asString()).isEqualTo("resumed");
	}

	@Test
	void proTrialBecomesActiveAfter14DaysWithANewPeriod() {
		// given
		clock.set(Instant.parse("2027-06-01T08:00:00Z"));
		var id = newCustomer("time-trial");
		var trial = changePlan(id, "pro");
		var trialEnd = instant(trial.path("trialEnd"));
		assertThat(trial.path("status").asString()).isEqualTo("trialing");
		assertThat(trialEnd).isEqualTo(Instant.parse("2027-06-15T08:00:00Z"));

		// when: a second before the trial ends
		clock.advance(Duration.ofDays(14).minusSeconds(1));

		// then
		assertThat(read(id).path("status").asString()).isEqualTo("trialing");

		// when: the trial ends
		clock.set(trialEnd);

		// then
		var active = read(id);
		assertThat(active.path("status").asString()).isEqualTo("active");
		assertThat(plan(active)).isEqualTo("pro");
		assertThat(instant(active.path("currentPeriodStart"))).isEqualTo(trialEnd);
		assertThat(instant(active.path("currentPeriodEnd"))).isEqualTo(Instant.parse("2027-07-15T08:00:00Z"));
		assertThat(instant(active.path("trialEnd"))).isEqualTo(trialEnd);
		var ended = last(history(id));
		assertThat(ended.path("action").asString()).isEqualTo("trial_ended");
		assertThat(ended.path("actor").asString()).isEqualTo("system");
		assertThat(ended.path("status").asString()).isEqualTo("active");
		var entitlements = entitlements(id);
		assertThat(entitlements.path("active").asBoolean()).isTrue();
		assertThat(entitlements.path("features").path("api_rate").path("limit").asLong()).isEqualTo(300);
	}

	@Test
	void trialCanceledForItsEndReturnsToFreeAtTrialEnd() {
		// given
		clock.set(Instant.parse("2027-09-01T10:00:00Z"));
		var id = newCustomer("time-trial-cancel");
		var trialEnd = instant(changePlan(id, "pro").path("trialEnd"));
		var canceled = cancelAtPeriodEnd(id);
		assertThat(canceled.path("cancelAtPeriodEnd").asBoolean()).isTrue();

		// when
		clock.set(trialEnd);

		// then: the customer is not charged a month of pro after canceling the trial
		var after = read(id);
		assertThat(plan(after)).isEqualTo("free");
		assertThat(after.path("status").asString()).isEqualTo("active");
		assertThat(after.path("cancelAtPeriodEnd").asBoolean()).isFalse();
		assertThat(instant(after.path("currentPeriodStart"))).isEqualTo(trialEnd);
		assertThat(history(id).findValuesAsString("action")).contains("canceled");
	}

	@Test
	void monthlyPeriodRollsForwardAcrossMonths() {
		// given: a customer created on January 31st
		clock.set(Instant.parse("2027-01-31T09:00:00Z"));
		var id = newCustomer("time-months");
		var january = read(id);
		assertThat(instant(january.path("currentPeriodEnd"))).isEqualTo(Instant.parse("2027-02-28T09:00:00Z"));

		// when / then: a second before the end, still January's period
		clock.set(Instant.parse("2027-02-28T08:59:59Z"));
		assertThat(read(id).path("currentPeriodStart")).isEqualTo(january.path("currentPeriodStart"));

		// when / then: February's period ends on March 31st
		clock.set(Instant.parse("2027-02-28T09:00:00Z"));
		var february = read(id);
		assertThat(instant(february.path("currentPeriodStart"))).isEqualTo(Instant.parse("2027-02-28T09:00:00Z"));
		assertThat(instant(february.path("currentPeriodEnd"))).isEqualTo(Instant.parse("2027-03-31T09:00:00Z"));

		// when / then: March's period ends on April 30th
		clock.set(Instant.parse("2027-03-31T09:00:00Z"));
		var march = read(id);
		assertThat(instant(march.path("currentPeriodStart"))).isEqualTo(Instant.parse("2027-03-31T09:00:00Z"));
		assertThat(instant(march.path("currentPeriodEnd"))).isEqualTo(Instant.parse("2027-04-30T09:00:00Z"));

		// when / then: months later, straight to the period holding now
		clock.set(Instant.parse("2027-07-15T00:00:00Z"));
		var july = read(id);
		assertThat(instant(july.path("currentPeriodStart"))).isEqualTo(Instant.parse("2027-06-30T09:00:00Z"));
		assertThat(instant(july.path("currentPeriodEnd"))).isEqualTo(Instant.parse("2027-07-31T09:00:00Z"));
		assertThat(plan(july)).isEqualTo("free");
		assertThat(history(id).findValuesAsString("action")).as("renewals are not recorded").containsExactly("created");
	}

	@Test
	void planChangeAfterAPassedCancellationStartsFromTheDefaultPlan() {
		// given: a cancellation that came due while nobody read the subscription
		clock.set(Instant.parse("2027-10-05T00:00:00Z"));
		var id = newCustomer("time-change-after");
		changePlan(id, "enterprise");
		cancelAtPeriodEnd(id);
		clock.set(Instant.parse("2027-11-20T00:00:00Z"));

		// when
		var pro = changePlan(id, "pro");

		// then
		assertThat(plan(pro)).isEqualTo("pro");
		assertThat(pro.path("status").asString()).isEqualTo("trialing");
		var history = history(id);
		assertThat(history.findValuesAsString("action")).containsExactly("created", "plan_changed", "cancel_scheduled",
				"canceled", "plan_changed");
		assertThat(history.get(3).path("actor").asString()).isEqualTo("system");
		assertThat(history.get(4).path("fromPlan").asString()).isEqualTo("free");
		assertThat(history.get(4).path("actor").asString()).startsWith("api_key:pg_sk_");
	}

	@Test
	void planChangeWithTheSameIntervalKeepsThePeriodWhenNoTrialStarts() {
		// given: on free since December 1st
		clock.set(Instant.parse("2027-12-01T00:00:00Z"));
		var id = newCustomer("time-keep");
		clock.set(Instant.parse("2027-12-20T00:00:00Z"));

		// when: enterprise is monthly too and has no trial
		var enterprise = changePlan(id, "enterprise");

		// then: the period (and what is counted per period) goes on
		assertThat(enterprise.path("status").asString()).isEqualTo("active");
		assertThat(instant(enterprise.path("currentPeriodStart"))).isEqualTo(Instant.parse("2027-12-01T00:00:00Z"));
		assertThat(instant(enterprise.path("currentPeriodEnd"))).isEqualTo(Instant.parse("2028-01-01T00:00:00Z"));
	}

	@Test
	void planChangeThatStartsATrialReanchorsThePeriodAtTheChange() {
		// given
		clock.set(Instant.parse("2027-12-01T00:00:00Z"));
		var id = newCustomer("time-reanchor");
		clock.set(Instant.parse("2027-12-20T00:00:00Z"));

		// when
		var pro = changePlan(id, "pro");

		// then
		assertThat(pro.path("status").asString()).isEqualTo("trialing");
		assertThat(instant(pro.path("currentPeriodStart"))).isEqualTo(Instant.parse("2027-12-20T00:00:00Z"));
		assertThat(instant(pro.path("currentPeriodEnd"))).isEqualTo(Instant.parse("2028-01-03T00:00:00Z"));
	}

}

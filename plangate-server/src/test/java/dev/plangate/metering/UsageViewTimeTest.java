package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * The usage view as a month goes by, on a server whose clock the test moves: percent,
 * projection, days remaining and alerts; monthly totals that start again when the month
 * changes while lifetime totals stay; and closed months that no event can change.
 */
@FreshSchema
@Import(UsageViewTimeTest.Clocks.class)
class UsageViewTimeTest extends ServerTest {

	/** Ten of April's thirty days have passed: a third of the month. */
	private static final Instant TEN_DAYS_INTO_APRIL = Instant.parse("2027-04-11T00:00:00Z");

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(TEN_DAYS_INTO_APRIL);
		}

	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "usage_view_time");
	}

	@Autowired
	private MovableClock clock;

	private static String event(String id, String customerId, String feature, long amount) {
		return Api.json(Map.of("id", id, "customerId", customerId, "feature", feature, "amount", amount));
	}

	private static String event(String id, String customerId, String feature, long amount, Instant timestamp) {
		var event = new LinkedHashMap<String, Object>();
		event.put("id", id);
		event.put("customerId", customerId);
		event.put("feature", feature);
		event.put("amount", amount);
		event.put("timestamp", timestamp.toString());
		return Api.json(event);
	}

	private Api.Response send(String... events) {
		return api.post("/v1/usage-events", "{\"events\":[" + String.join(",", events) + "]}");
	}

	private void record(String... events) {
		var response = send(events);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private JsonNode usage(String customerId) {
		var response = api.get("/v1/customers/" + Api.encode(customerId) + "/usage");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private JsonNode quota(String customerId, String feature) {
		var usage = usage(customerId);
		for (var quota : usage.path("quotas")) {
			if (quota.path("feature").asString().equals(feature)) {
				return quota;
			}
		}
		throw new AssertionError("no quota '" + feature + "' in " + usage);
	}

	private void changePlan(String customerId, String plan) {
		var response = api.post("/v1/customers/" + Api.encode(customerId) + "/subscription",
				"{\"plan\":\"" + plan + "\"}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private static Instant instant(JsonNode node) {
		return Instant.parse(node.asString());
	}

	private static List<String> alerts(JsonNode quota) {
		var alerts = new ArrayList<String>();
		quota.path("alerts").forEach(alert -> alerts.add(alert.asString()));
		return alerts;
	}

	private static boolean absent(JsonNode node) {
		return node.isMissingNode() || node.isNull();
	}

	@Test
	void usageTenDaysIntoAThirtyDayMonthIsProjectedLinearlyToTheMonthEnd() {
		// given: on free (1000 api_calls a month), ten days into April
		clock.set(TEN_DAYS_INTO_APRIL);
		var customer = newCustomer("view-third");

		// when
		record(event("calls-1", customer, "api_calls", 120), event("calls-2", customer, "api_calls", 180));

		// then
		var apiCalls = quota(customer, "api_calls");
		assertThat(apiCalls.path("period").asString()).isEqualTo("month");
		assertThat(instant(apiCalls.path("periodStart"))).isEqualTo(Instant.parse("2027-04-01T00:00:00Z"));
		assertThat(instant(apiCalls.path("periodEnd"))).isEqualTo(Instant.parse("2027-05-01T00:00:00Z"));
		assertThat(apiCalls.path("used").asLong()).isEqualTo(300);
		assertThat(apiCalls.path("limit").asLong()).isEqualTo(1000);
		assertThat(apiCalls.path("unlimited").asBoolean()).isFalse();
		assertThat(apiCalls.path("remaining").asLong()).isEqualTo(700);
		assertThat(apiCalls.path("percent").asDouble()).isEqualTo(30.0);
		assertThat(apiCalls.path("projected").asLong()).isCloseTo(900, within(1L));
		assertThat(apiCalls.path("daysRemaining").asLong()).isEqualTo(20);
		assertThat(apiCalls.path("alerts").isEmpty()).isTrue();
	}

	@Test
	void startedDayCountsAsRemaining() {
		// given: ten and a half days into April
		clock.set(Instant.parse("2027-04-11T12:00:00Z"));
		var customer = newCustomer("view-halfday");

		// when
		var apiCalls = quota(customer, "api_calls");

		// then
		assertThat(apiCalls.path("daysRemaining").asLong()).isEqualTo(20);
	}

	@Test
	void eightyPercentOfTheLimitIsApproaching() {
		// given
		clock.set(TEN_DAYS_INTO_APRIL);
		var customer = newCustomer("view-approach");

		// when
		record(event("calls", customer, "api_calls", 800));

		// then
		var apiCalls = quota(customer, "api_calls");
		assertThat(apiCalls.path("percent").asDouble()).isEqualTo(80.0);
		assertThat(apiCalls.path("remaining").asLong()).isEqualTo(200);
		assertThat(alerts(apiCalls)).containsExactly("approaching");
	}

	@Test
	void justBelowEightyPercentHasNoAlert() {
		// given
		clock.set(TEN_DAYS_INTO_APRIL);
		var customer = newCustomer("view-below");

		// when
		record(event("calls", customer, "api_calls", 799));

		// then
		var apiCalls = quota(customer, "api_calls");
		assertThat(apiCalls.path("percent").asDouble()).isEqualTo(79.9);
		assertThat(apiCalls.path("alerts").isEmpty()).isTrue();
	}

	@Test
	void wholeLimitUsedIsReached() {
		// given
		clock.set(TEN_DAYS_INTO_APRIL);
		var customer = newCustomer("view-reached");

		// when
		record(event("calls", customer, "api_calls", 1000));

		// then
		var apiCalls = quota(customer, "api_calls");
		assertThat(apiCalls.path("percent").asDouble()).isEqualTo(100.0);
		assertThat(apiCalls.path("remaining").asLong()).isZero();
		assertThat(alerts(apiCalls)).containsExactly("reached");
	}

	@Test
	void usageBeyondTheLimitIsReachedWithNothingRemaining() {
		// given
		clock.set(TEN_DAYS_INTO_APRIL);
		var customer = newCustomer("view-over");

		// when
		record(event("calls", customer, "api_calls", 1200));

		// then
		var apiCalls = quota(customer, "api_calls");
		assertThat(apiCalls.path("used").asLong()).isEqualTo(1200);
		assertThat(apiCalls.path("percent").asDouble()).isEqualTo(120.0);
		assertThat(apiCalls.path("remaining").asLong()).isZero();
		assertThat(alerts(apiCalls)).containsExactly("reached");
	}

	@Test
	void unlimitedQuotaHasNoLimitRemainingPercentOrAlerts() {
		// given: on enterprise, where api_calls are unlimited
		clock.set(TEN_DAYS_INTO_APRIL);
		var customer = newCustomer("view-unlimited");
		changePlan(customer, "enterprise");

		// when
		record(event("calls", customer, "api_calls", 5000));

		// then
		var usage = usage(customer);
		assertThat(usage.path("plan").asString()).isEqualTo("enterprise");
		var apiCalls = quota(customer, "api_calls");
		assertThat(apiCalls.path("unlimited").asBoolean()).isTrue();
		assertThat(apiCalls.path("used").asLong()).isEqualTo(5000);
		assertThat(absent(apiCalls.path("limit"))).as(apiCalls.toString()).isTrue();
		assertThat(absent(apiCalls.path("remaining"))).as(apiCalls.toString()).isTrue();
		assertThat(absent(apiCalls.path("percent"))).as(apiCalls.toString()).isTrue();
		assertThat(apiCalls.path("alerts").isEmpty()).as(apiCalls.toString()).isTrue();
		assertThat(apiCalls.path("projected").asLong()).isCloseTo(15_000, within(1L));
	}

	@Test
	void lifetimeQuotaHasNoEndNoDaysRemainingAndProjectsWhatIsUsed() {
		// given
		clock.set(TEN_DAYS_INTO_APRIL);
		var customer = newCustomer("view-lifetime");

		// when
		record(event("seat", customer, "seats", 1));

		// then
		var seats = quota(customer, "seats");
		assertThat(seats.path("period").asString()).isEqualTo("lifetime");
		assertThat(absent(seats.path("periodEnd"))).as(seats.toString()).isTrue();
		assertThat(absent(seats.path("daysRemaining"))).as(seats.toString()).isTrue();
		assertThat(seats.path("used").asLong()).isEqualTo(1);
		assertThat(seats.path("projected").asLong()).isEqualTo(1);
		assertThat(alerts(seats)).containsExactly("reached");
	}

	@Test
	void monthlyTotalStartsAgainInTheNextMonthWhileLifetimeSeatsAreKept() {
		// given: April's usage
		clock.set(TEN_DAYS_INTO_APRIL);
		var customer = newCustomer("view-rollover");
		record(event("april-calls", customer, "api_calls", 300), event("april-seat", customer, "seats", 1));

		// when: May begins
		clock.set(Instant.parse("2027-05-01T00:00:00Z"));

		// then
		var apiCalls = quota(customer, "api_calls");
		assertThat(instant(apiCalls.path("periodStart"))).isEqualTo(Instant.parse("2027-05-01T00:00:00Z"));
		assertThat(instant(apiCalls.path("periodEnd"))).isEqualTo(Instant.parse("2027-06-01T00:00:00Z"));
		assertThat(apiCalls.path("used").asLong()).isZero();
		assertThat(apiCalls.path("remaining").asLong()).isEqualTo(1000);
		assertThat(apiCalls.path("alerts").isEmpty()).isTrue();
		assertThat(quota(customer, "seats").path("used").asLong()).isEqualTo(1);

		// when: May's own usage
		record(event("may-calls", customer, "api_calls", 10), event("may-seat", customer, "seats", 1));

		// then: only May's counts, while seats go on adding up
		assertThat(quota(customer, "api_calls").path("used").asLong()).isEqualTo(10);
		assertThat(quota(customer, "seats").path("used").asLong()).isEqualTo(2);
	}

	@Test
	void eventTimedLateInAMonthCountsInThatMonthWhileItLasts() {
		// given
		clock.set(Instant.parse("2027-06-30T23:59:50Z"));
		var customer = newCustomer("view-late");

		// when
		record(event("late", customer, "api_calls", 4, Instant.parse("2027-06-30T23:59:40Z")));

		// then
		var apiCalls = quota(customer, "api_calls");
		assertThat(instant(apiCalls.path("periodStart"))).isEqualTo(Instant.parse("2027-06-01T00:00:00Z"));
		assertThat(apiCalls.path("used").asLong()).isEqualTo(4);
	}

	@Test
	void eventTimedInThePreviousMonthIsRefusedOnceTheMonthHasChanged() {
		// given: a customer from June, and July has begun
		clock.set(Instant.parse("2027-06-30T23:00:00Z"));
		var customer = newCustomer("view-closed");
		clock.set(Instant.parse("2027-07-01T00:01:00Z"));
		var valid = event("july", customer, "api_calls", 2);

		// when: an event from the last minute of June arrives
		var response = send(valid, event("june", customer, "api_calls", 3, Instant.parse("2027-06-30T23:59:30Z")));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(422);
		assertThat(response.code()).isEqualTo("invalid_usage_events");
		assertThat(response.body().path("errors").findValuesAsString("field")).containsExactly("events[1].timestamp");
		assertThat(quota(customer, "api_calls").path("used").asLong()).isZero();
	}

	@Test
	void eventTimedAtTheFirstInstantOfTheNewMonthIsCountedInIt() {
		// given
		clock.set(Instant.parse("2027-08-01T00:00:30Z"));
		var customer = newCustomer("view-boundary");

		// when
		record(event("first", customer, "api_calls", 6, Instant.parse("2027-08-01T00:00:00Z")));

		// then
		var apiCalls = quota(customer, "api_calls");
		assertThat(instant(apiCalls.path("periodStart"))).isEqualTo(Instant.parse("2027-08-01T00:00:00Z"));
		assertThat(apiCalls.path("used").asLong()).isEqualTo(6);
	}

}

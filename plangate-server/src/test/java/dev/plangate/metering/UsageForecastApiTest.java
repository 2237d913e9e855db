package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
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
 * The usage view's forecast through the API, on a server whose clock the test moves to
 * place usage on the days of April: the projection follows a rising or falling trend,
 * falls back to the straight line or to nothing, and the recommended plan is the cheapest
 * active plan of the same interval that fits the projection, up or down.
 */
@FreshSchema
@Import(UsageForecastApiTest.Clocks.class)
class UsageForecastApiTest extends ServerTest {

	private static final Instant APRIL_1 = Instant.parse("2027-04-01T00:00:00Z");

	/** Fourteen of April's thirty days have passed. */
	private static final Instant APRIL_15 = Instant.parse("2027-04-15T00:00:00Z");

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(APRIL_15);
		}

	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "usage_forecast");
	}

	@Autowired
	private MovableClock clock;

	/**
	 * A customer created on April 1 that used {@code daily[i]} api_calls at noon of April
	 * {@code i + 1}; the clock is then at April 15, 00:00.
	 */
	private String customerWithDailyUsage(String prefix, long... daily) {
		clock.set(APRIL_1);
		var customer = newCustomer(prefix);
		for (int i = 0; i < daily.length; i++) {
			var noon = APRIL_1.plus(Duration.ofDays(i)).plus(Duration.ofHours(12));
			clock.set(noon);
			if (daily[i] > 0) {
				record(customer, "day-" + i, "api_calls", daily[i]);
			}
		}
		clock.set(APRIL_15);
		return customer;
	}

	private void record(String customer, String id, String feature, long amount) {
		var event = new LinkedHashMap<String, Object>();
		event.put("id", customer + "-" + id);
		event.put("customerId", customer);
		event.put("feature", feature);
		event.put("amount", amount);
		var response = api.post("/v1/usage-events", "{\"events\":[" + Api.json(event) + "]}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private JsonNode usage(String customerId) {
		var response = api.get("/v1/customers/" + Api.encode(customerId) + "/usage");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private static JsonNode quota(JsonNode usage, String feature) {
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

	private static boolean absent(JsonNode node) {
		return node.isMissingNode() || node.isNull();
	}

	/** What the period's straight line projects: 14 of 30 days have passed. */
	private static long straightLine(long used) {
		return Math.round(used * 30 / 14.0);
	}

	@Test
	void usageConcentratedInRecentDaysProjectsAboveTheStraightLine() {
		// given: 10 a day for a week, then 60 a day
		var customer = customerWithDailyUsage("fc-rising", 10, 10, 10, 10, 10, 10, 10, 60, 60, 60, 60, 60, 60, 60);

		// when
		var apiCalls = quota(usage(customer), "api_calls");

		// then
		assertThat(apiCalls.path("used").asLong()).isEqualTo(490);
		var projection = apiCalls.path("projection");
		assertThat(projection.path("method").asString()).as(apiCalls.toString()).isEqualTo("trend");
		assertThat(projection.path("basisDays").asInt()).isEqualTo(14);
		assertThat(projection.path("dailyRate").asDouble()).isGreaterThan(60);
		assertThat(projection.path("total").asLong()).isEqualTo(apiCalls.path("projected").asLong())
			.isGreaterThan(straightLine(490))
			.isEqualTo(Math.round(490 + projection.path("dailyRate").asDouble() * 16));
	}

	@Test
	void usageFadingInRecentDaysProjectsBelowTheStraightLine() {
		// given: 60 a day for a week, then 10 a day
		var customer = customerWithDailyUsage("fc-falling", 60, 60, 60, 60, 60, 60, 60, 10, 10, 10, 10, 10, 10, 10);

		// when
		var apiCalls = quota(usage(customer), "api_calls");

		// then
		var projection = apiCalls.path("projection");
		assertThat(projection.path("method").asString()).as(apiCalls.toString()).isEqualTo("trend");
		assertThat(projection.path("dailyRate").asDouble()).isLessThan(10);
		assertThat(apiCalls.path("projected").asLong()).isLessThan(straightLine(490)).isGreaterThanOrEqualTo(490);
	}

	@Test
	void fewerThanSevenDaysOfUsageProjectTheStraightLineOfThePeriod() {
		// given: usage on the last three days only
		var customer = customerWithDailyUsage("fc-short", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20, 20, 30);

		// when
		var apiCalls = quota(usage(customer), "api_calls");

		// then
		var projection = apiCalls.path("projection");
		assertThat(projection.path("method").asString()).as(apiCalls.toString()).isEqualTo("linear");
		assertThat(apiCalls.path("projected").asLong()).isEqualTo(straightLine(70));
		assertThat(projection.path("dailyRate").asDouble()).isEqualTo(5.0);
		assertThat(projection.path("basisDays").asInt()).isEqualTo(14);
	}

	@Test
	void tooLittleDataHasNoProjectionAndRecommendsNoDowngrade() {
		// given: on enterprise, a day into April, a little usage
		clock.set(APRIL_1.plus(Duration.ofHours(20)));
		var customer = newCustomer("fc-early");
		changePlan(customer, "enterprise");
		record(customer, "early", "api_calls", 5);

		// when
		var usage = usage(customer);

		// then
		var apiCalls = quota(usage, "api_calls");
		assertThat(absent(apiCalls.path("projected"))).as(apiCalls.toString()).isTrue();
		assertThat(absent(apiCalls.path("projection"))).as(apiCalls.toString()).isTrue();
		assertThat(absent(usage.path("recommendedPlan"))).as(usage.toString()).isTrue();
	}

	@Test
	void projectionBeyondTheLimitRecommendsTheCheapestPlanThatFitsWithItsReason() {
		// given: on free (1,000 api_calls a month), rising to 60 a day
		var customer = customerWithDailyUsage("fc-upgrade", 10, 10, 10, 10, 10, 10, 10, 60, 60, 60, 60, 60, 60, 60);

		// when
		var usage = usage(customer);

		// then
		long projected = quota(usage, "api_calls").path("projected").asLong();
		assertThat(projected).isGreaterThan(1000);
		var recommended = usage.path("recommendedPlan");
		assertThat(recommended.path("plan").asString()).as(usage.toString()).isEqualTo("pro");
		assertThat(recommended.path("change").asString()).isEqualTo("upgrade");
		assertThat(recommended.path("price").path("amount").asLong()).isEqualTo(2900);
		assertThat(recommended.path("interval").asString()).isEqualTo("month");
		assertThat(recommended.path("reason").asString())
			.isEqualTo("projected " + String.format(java.util.Locale.ROOT, "%,d", projected)
					+ " of 1,000 api_calls on free; pro allows 100,000");
	}

	@Test
	void currentPlanThatFitsAndIsCheapestRecommendsNothing() {
		// given: on free, well within its limits
		var customer = customerWithDailyUsage("fc-fits", 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5);

		// when
		var usage = usage(customer);

		// then
		assertThat(quota(usage, "api_calls").path("projected").asLong()).isEqualTo(150);
		assertThat(absent(usage.path("recommendedPlan"))).as(usage.toString()).isTrue();
	}

	@Test
	void planBiggerThanNeededRecommendsTheCheapestThatFits() {
		// given: on enterprise, 10 api_calls a day and one seat
		var customer = customerWithDailyUsage("fc-downgrade", 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10);
		changePlan(customer, "enterprise");
		record(customer, "seat", "seats", 1);

		// when
		var usage = usage(customer);

		// then
		var recommended = usage.path("recommendedPlan");
		assertThat(recommended.path("plan").asString()).as(usage.toString()).isEqualTo("free");
		assertThat(recommended.path("change").asString()).isEqualTo("downgrade");
		assertThat(recommended.path("reason").asString())
			.isEqualTo("free costs less than enterprise and fits: projected 300 of 1,000 api_calls, used 1 of 1 seats");
	}

	@Test
	void lifetimeQuotaInUseBeyondTheLimitRecommendsAPlanWithRoomForIt() {
		// given: on free (one seat), three seats taken
		clock.set(APRIL_15);
		var customer = newCustomer("fc-seats");
		record(customer, "seats", "seats", 3);

		// when
		var usage = usage(customer);

		// then
		var recommended = usage.path("recommendedPlan");
		assertThat(recommended.path("plan").asString()).as(usage.toString()).isEqualTo("pro");
		assertThat(recommended.path("reason").asString()).isEqualTo("used 3 of 1 seats on free; pro allows 10");
	}

	@Test
	void archivedPlansAndPlansOfAnotherIntervalAreNotRecommended() {
		// given: rising usage on free; a cheaper monthly plan that fits, a yearly one
		// cheaper still
		var customer = customerWithDailyUsage("fc-archived", 10, 10, 10, 10, 10, 10, 10, 60, 60, 60, 60, 60, 60, 60);
		var monthly = uniqueKey("starter");
		var yearly = uniqueKey("yearly");
		createPlan(monthly, 900, "month");
		createPlan(yearly, 100, "year");
		try {
			// when: the monthly one is active
			var active = usage(customer).path("recommendedPlan");

			// then
			assertThat(active.path("plan").asString()).as(active.toString()).isEqualTo(monthly);
			assertThat(active.path("reason").asString()).endsWith("; " + monthly + " allows 5,000");

			// when: it is archived
			var archived = api.post("/v1/admin/plans/" + monthly + "/archive", null);
			assertThat(archived.status()).as(archived.toString()).isEqualTo(200);

			// then
			assertThat(usage(customer).path("recommendedPlan").path("plan").asString()).isEqualTo("pro");
		}
		finally {
			api.post("/v1/admin/plans/" + monthly + "/archive", null);
			api.post("/v1/admin/plans/" + yearly + "/archive", null);
		}
	}

	private void createPlan(String key, long price, String interval) {
		var plan = Map.of("key", key, "name", "Plan " + key, "price", price, "interval", interval, "entitlements",
				Map.of("api_access", true, "api_calls", 5000, "seats", 3));
		var response = api.post("/v1/admin/plans", Api.json(plan));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
	}

}

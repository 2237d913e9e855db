package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.Examples;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * The usage dashboard of the AI-assistant platform (REQUIREMENTS.md 1.D), through the API
 * on its own catalog ({@code examples/ai-assistant.yaml}): "current period (start, end,
 * days remaining); per quota used, limit, % used, overage, projected month-end usage; API
 * calls used and remaining today; alerts with recommended action; cost projection
 * (estimated monthly cost, potential overage, recommended plan)" and "plan
 * recommendations from usage (cheapest plan that fits projected usage)", with the trend
 * and the peak day of the usage history.
 */
@FreshSchema
@Import(AiAssistantUsageDashboardTest.Clocks.class)
class AiAssistantUsageDashboardTest extends ServerTest {

	private static final Instant APRIL_1 = Instant.parse("2027-04-01T00:00:00Z");

	/** Noon of April 15: 14.5 of the billing period's 30 days have passed. */
	private static final Instant APRIL_15_NOON = Instant.parse("2027-04-15T12:00:00Z");

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(APRIL_1);
		}

	}

	@DynamicPropertySource
	static void catalogAndDatabase(DynamicPropertyRegistry registry) {
		registry.add("plangate.catalog", () -> Examples.file("ai-assistant.yaml"));
		FreshDatabase.register(registry, "ai_assistant_dashboard");
	}

	@Autowired
	private MovableClock clock;

	/**
	 * A business that signed up on April 1 on {@code plan} and sent {@code daily[i]}
	 * queries at noon of April {@code i + 1}.
	 */
	private String business(String prefix, String plan, long... daily) {
		clock.set(APRIL_1);
		var customer = newCustomer(prefix);
		if (!plan.equals("free")) {
			var changed = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\":\"" + plan + "\"}");
			assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
		}
		for (int i = 0; i < daily.length; i++) {
			clock.set(APRIL_1.plus(Duration.ofDays(i)).plus(Duration.ofHours(12)));
			record(customer, "queries-" + i, "queries", daily[i]);
		}
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

	private JsonNode dashboard(String customer) {
		var response = api.get("/v1/customers/" + customer + "/usage");
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

	private static List<String> alerts(JsonNode quota) {
		var alerts = new ArrayList<String>();
		quota.path("alerts").forEach(alert -> alerts.add(alert.asString()));
		return alerts;
	}

	private static String number(long value) {
		return String.format(Locale.ROOT, "%,d", value);
	}

	@Test
	void freeBusinessSeesItsPeriodQuotasTodaysApiCallsATrendAndTheCheapestPlanThatFits() {
		// given: on free (100 queries a period, 50 API calls a day), 3 queries a day for
		// a
		// week, then 9 a day; 20 API calls this morning
		var customer = business("dash-free", "free", 3, 3, 3, 3, 3, 3, 3, 9, 9, 9, 9, 9, 9, 9);
		clock.set(Instant.parse("2027-04-15T10:00:00Z"));
		record(customer, "calls", "api_calls", 20);
		clock.set(APRIL_15_NOON);

		// when
		var usage = dashboard(customer);

		// then: the current period, its end and the days remaining
		var queries = quota(usage, "queries");
		assertThat(queries.path("period").asString()).isEqualTo("billing_period");
		assertThat(queries.path("periodStart").asString()).isEqualTo("2027-04-01T00:00:00Z");
		assertThat(queries.path("periodEnd").asString()).isEqualTo("2027-05-01T00:00:00Z");
		assertThat(queries.path("daysRemaining").asLong()).isEqualTo(16);
		// per quota used, limit, % used, overage and projected period-end usage, from
		// the trend
		assertThat(queries.path("used").asLong()).isEqualTo(84);
		assertThat(queries.path("limit").asLong()).isEqualTo(100);
		assertThat(queries.path("percent").asDouble()).isEqualTo(84.0);
		assertThat(queries.path("overage").asLong()).isZero();
		long projected = queries.path("projected").asLong();
		assertThat(queries.path("projection").path("method").asString()).isEqualTo("trend");
		assertThat(projected).isGreaterThan(Math.round(84 / (14.5 / 30)));
		assertThat(queries.path("projection").path("overage").asLong()).isEqualTo(projected - 100);
		// API calls used and remaining today
		var apiCalls = quota(usage, "api_calls");
		assertThat(apiCalls.path("period").asString()).isEqualTo("day");
		assertThat(apiCalls.path("periodEnd").asString()).isEqualTo("2027-04-16T00:00:00Z");
		assertThat(apiCalls.path("used").asLong()).isEqualTo(20);
		assertThat(apiCalls.path("remaining").asLong()).isEqualTo(30);
		// alerts, with the recommended action: the cheapest plan that fits the projection
		assertThat(alerts(queries)).containsExactly("approaching");
		var recommended = usage.path("recommendedPlan");
		assertThat(recommended.path("plan").asString()).as(usage.toString()).isEqualTo("starter");
		assertThat(recommended.path("change").asString()).isEqualTo("upgrade");
		assertThat(recommended.path("reason").asString())
			.isEqualTo("projected " + number(projected) + " of 100 queries on free; starter allows 2,000");
		// cost projection: a free plan with a hard limit costs nothing
		assertThat(usage.path("costProjection").path("total").asLong()).isZero();
		assertThat(usage.path("costProjection").path("currency").asString()).isEqualTo("USD");
	}

	@Test
	void paidBusinessHeadingPastItsAllowanceSeesThePotentialOverageItsCostAndTheUpgrade() {
		// given: on starter (2,000 queries, 1 cent per query beyond), 100 then 150 a day
		var customer = business("dash-starter", "starter", 100, 100, 100, 100, 100, 100, 100, 150, 150, 150, 150, 150,
				150, 150);
		clock.set(APRIL_15_NOON);

		// when
		var usage = dashboard(customer);

		// then: the potential overage and the estimated monthly cost
		var queries = quota(usage, "queries");
		assertThat(queries.path("used").asLong()).isEqualTo(1750);
		long projected = queries.path("projected").asLong();
		assertThat(projected).isGreaterThan(2000);
		var projection = queries.path("projection");
		assertThat(projection.path("overage").asLong()).isEqualTo(projected - 2000);
		assertThat(projection.path("overageCost").asLong()).isEqualTo(projected - 2000);
		var cost = usage.path("costProjection");
		assertThat(cost.path("plan").asLong()).isEqualTo(2900);
		assertThat(cost.path("overage").asLong()).isEqualTo(projected - 2000);
		assertThat(cost.path("total").asLong()).isEqualTo(2900 + projected - 2000);
		assertThat(cost.path("interval").asString()).isEqualTo("month");
		// and the recommended plan: the cheapest whose allowance fits, not a bigger one
		var recommended = usage.path("recommendedPlan");
		assertThat(recommended.path("plan").asString()).as(usage.toString()).isEqualTo("pro");
		assertThat(recommended.path("reason").asString())
			.isEqualTo("projected " + number(projected) + " of 2,000 queries on starter; pro allows 10,000");
	}

	@Test
	void usageHistoryShowsTheDailyTrendAndItsPeakDay() {
		// given
		var customer = business("dash-peak", "free", 2, 4, 6, 5, 3);
		clock.set(Instant.parse("2027-04-06T00:00:00Z"));

		// when
		var history = api.get("/v1/customers/" + customer
				+ "/usage/history?feature=queries&granularity=day&from=2027-04-01&to=2027-04-06");

		// then
		assertThat(history.status()).as(history.toString()).isEqualTo(200);
		var series = history.body().path("series").get(0);
		var amounts = new ArrayList<Long>();
		series.path("buckets").forEach(b -> amounts.add(b.path("amount").asLong()));
		assertThat(amounts).containsExactly(2L, 4L, 6L, 5L, 3L);
		assertThat(series.path("peak").path("start").asString()).isEqualTo("2027-04-03T00:00:00Z");
		assertThat(series.path("peak").path("amount").asLong()).isEqualTo(6);
	}

}

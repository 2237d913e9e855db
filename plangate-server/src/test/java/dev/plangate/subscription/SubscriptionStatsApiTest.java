package dev.plangate.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

class SubscriptionStatsApiTest extends ServerTest {

	@Test
	void countsSubscriptionsPerPlanAndStatusAndTheirMonthlyRevenueFromCatalogPrices() {
		// given
		var monthly = createPlan("stats_month", 1900, "month");
		var yearly = createPlan("stats_year", 12000, "year");
		var first = newCustomer("stats-a");
		var second = newCustomer("stats-b");
		var third = newCustomer("stats-c");
		var deleted = newCustomer("stats-d");
		subscribe(first, monthly);
		subscribe(second, monthly);
		subscribe(third, yearly);
		subscribe(deleted, monthly);
		assertThat(api.delete("/v1/customers/" + deleted).status()).isEqualTo(200);

		// when
		var response = api.get("/v1/admin/stats/subscriptions");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var body = response.body();
		var month = plan(body, monthly);
		assertThat(month.path("name").asString()).isEqualTo("Team");
		assertThat(month.path("subscriptions").asLong()).as("the deleted customer's is not counted").isEqualTo(2);
		assertThat(month.path("statuses").path("active").asLong()).isEqualTo(2);
		assertThat(month.path("monthlyRecurringRevenue").get(0).path("amount").asLong()).isEqualTo(3800);
		assertThat(month.path("monthlyRecurringRevenue").get(0).path("currency").asString()).isEqualTo("USD");
		var year = plan(body, yearly);
		assertThat(year.path("monthlyRecurringRevenue").get(0).path("amount").asLong()).as("a twelfth of 12000")
			.isEqualTo(1000);
		assertThat(body.path("statuses").path("active").asLong()).isGreaterThanOrEqualTo(3);
		assertThat(body.path("statuses").has("past_due")).isTrue();
		assertThat(body.path("statuses").has("trialing")).isTrue();
		long total = 0;
		for (var status : body.path("statuses")) {
			total += status.asLong();
		}
		assertThat(body.path("subscriptions").asLong()).isEqualTo(total);
		assertThat(body.path("monthlyRecurringRevenue").get(0).path("amount").asLong()).isGreaterThanOrEqualTo(4800);
	}

	@Test
	void aFreePlanAddsNoRevenue() {
		// given
		var free = createPlan("stats_free", 0, "month");
		subscribe(newCustomer("stats-free"), free);

		// when
		var plan = plan(api.get("/v1/admin/stats/subscriptions").body(), free);

		// then
		assertThat(plan.path("subscriptions").asLong()).isEqualTo(1);
		assertThat(plan.path("monthlyRecurringRevenue").size()).isZero();
	}

	@Test
	void takesAServerKey() {
		// when
		var withoutKey = anonymous.get("/v1/admin/stats/subscriptions");
		var wrongKey = anonymous.withKey("pg_sk_not_a_key").get("/v1/admin/stats/subscriptions");

		// then
		for (var response : List.of(withoutKey, wrongKey)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(401);
			assertThat(response.code()).isEqualTo("unauthenticated");
		}
	}

	private static JsonNode plan(JsonNode stats, String key) {
		for (var plan : stats.path("plans")) {
			if (plan.path("plan").asString().equals(key)) {
				return plan;
			}
		}
		throw new AssertionError("no plan " + key + " in " + stats);
	}

	private String createPlan(String prefix, long price, String interval) {
		var key = uniqueKey(prefix);
		var response = api.post("/v1/admin/plans", """
				{"key": "%s", "name": "Team", "price": %d, "interval": "%s", "entitlements": {"api_access": true}}
				""".formatted(key, price, interval));
		assertThat(response.status()).as("creating plan %s: %s", key, response).isEqualTo(201);
		return key;
	}

	private void subscribe(String customer, String plan) {
		var response = api.post("/v1/customers/" + customer + "/subscription",
				Api.json(java.util.Map.of("plan", plan)));
		assertThat(response.status()).as("subscribing %s to %s: %s", customer, plan, response).isEqualTo(200);
	}

}

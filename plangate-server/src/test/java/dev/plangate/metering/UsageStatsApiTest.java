package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
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

import dev.plangate.identity.apikey.ApiKeyKind;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Platform usage statistics for operators, on a database of their own and a clock the
 * test moves: top customers per feature in order and up to the limit, usage and customers
 * per plan, growth against the range before, and bad input or the wrong credential
 * refused with a problem.
 */
@FreshSchema
@Import(UsageStatsApiTest.Clocks.class)
class UsageStatsApiTest extends ServerTest {

	private static final Instant FEBRUARY_10 = Instant.parse("2027-02-10T12:00:00Z");

	private static final Instant MARCH_10 = Instant.parse("2027-03-10T12:00:00Z");

	private static final String MARCH = "from=2027-03-01&to=2027-04-01";

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(FEBRUARY_10);
		}

	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "usage_stats");
	}

	@Autowired
	private MovableClock clock;

	private void record(String customer, String id, long amount) {
		var event = new LinkedHashMap<String, Object>();
		event.put("id", customer + "-" + id);
		event.put("customerId", customer);
		event.put("feature", "api_calls");
		event.put("amount", amount);
		var response = api.post("/v1/usage-events", "{\"events\":[" + Api.json(event) + "]}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private static JsonNode feature(JsonNode stats, String key) {
		for (var feature : stats.path("features")) {
			if (feature.path("feature").asString().equals(key)) {
				return feature;
			}
		}
		throw new AssertionError("no feature '" + key + "' in " + stats);
	}

	private static JsonNode plan(JsonNode stats, String key) {
		for (var plan : stats.path("plans")) {
			if (plan.path("plan").asString().equals(key)) {
				return plan;
			}
		}
		throw new AssertionError("no plan '" + key + "' in " + stats);
	}

	@Test
	void topCustomersPlansAndGrowthOfARange() {
		// given: February's usage, then March's; one customer moves to pro
		clock.set(FEBRUARY_10);
		var a = newCustomer("st-a");
		var b = newCustomer("st-b");
		var c = newCustomer("st-c");
		var d = newCustomer("st-d");
		record(a, "feb", 100);
		record(b, "feb", 50);
		clock.set(MARCH_10);
		var toPro = api.post("/v1/customers/" + c + "/subscription", "{\"plan\":\"pro\"}");
		assertThat(toPro.status()).as(toPro.toString()).isEqualTo(200);
		record(a, "mar", 300);
		record(b, "mar", 500);
		record(c, "mar", 200);
		record(d, "mar", 10);

		// when
		var response = api.get("/v1/admin/stats/usage?" + MARCH + "&limit=2");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var stats = response.body();
		assertThat(stats.path("from").asString()).isEqualTo("2027-03-01T00:00:00Z");
		assertThat(stats.path("to").asString()).isEqualTo("2027-04-01T00:00:00Z");
		assertThat(stats.path("previousFrom").asString()).isEqualTo("2027-01-29T00:00:00Z");
		var apiCalls = feature(stats, "api_calls");
		assertThat(apiCalls.path("total").asLong()).isEqualTo(1010);
		assertThat(apiCalls.path("customers").asLong()).isEqualTo(4);
		assertThat(apiCalls.path("growth").path("previousTotal").asLong()).isEqualTo(150);
		assertThat(apiCalls.path("growth").path("absolute").asLong()).isEqualTo(860);
		assertThat(apiCalls.path("growth").path("percent").asDouble()).isEqualTo(573.3);
		var top = new ArrayList<String>();
		apiCalls.path("top")
			.forEach(t -> top.add(t.path("customerId").asString() + "=" + t.path("total").asLong() + "@"
					+ t.path("plan").asString()));
		assertThat(top).containsExactly(b + "=500@free", a + "=300@free");
		var seats = feature(stats, "seats");
		assertThat(seats.path("total").asLong()).isZero();
		assertThat(seats.path("growth").has("percent")).as(seats.toString()).isFalse();
		assertThat(seats.path("top").isEmpty()).isTrue();
		var free = plan(stats, "free");
		assertThat(free.path("usage").path("api_calls").path("total").asLong()).isEqualTo(810);
		assertThat(free.path("usage").path("api_calls").path("customers").asLong()).isEqualTo(3);
		assertThat(free.path("customers").path("active").asLong()).isGreaterThanOrEqualTo(3);
		var pro = plan(stats, "pro");
		var proStatus = api.get("/v1/customers/" + c + "/subscription").body().path("status").asString();
		assertThat(pro.path("customerCount").asLong()).isEqualTo(1);
		assertThat(pro.path("customers").path(proStatus).asLong()).as(pro.toString()).isEqualTo(1);
		assertThat(pro.path("usage").path("api_calls").path("total").asLong()).isEqualTo(200);
	}

	@Test
	void oneFeatureOnlyWhenNamedAndTheLast30DaysByDefault() {
		// given
		clock.set(MARCH_10);

		// when
		var named = api.get("/v1/admin/stats/usage?feature=api_calls&" + MARCH);
		var byDefault = api.get("/v1/admin/stats/usage");

		// then
		assertThat(named.status()).as(named.toString()).isEqualTo(200);
		assertThat(named.body().path("features").size()).isEqualTo(1);
		assertThat(named.body().path("features").get(0).path("feature").asString()).isEqualTo("api_calls");
		assertThat(byDefault.status()).as(byDefault.toString()).isEqualTo(200);
		var to = Instant.parse(byDefault.body().path("to").asString());
		assertThat(to).isEqualTo(MARCH_10);
		assertThat(Duration.between(Instant.parse(byDefault.body().path("from").asString()), to))
			.isEqualTo(Duration.ofDays(30));
	}

	@Test
	void badRangesFeaturesAndLimitsAreRefusedNamingTheField() {
		// given
		clock.set(MARCH_10);
		var cases = Map.of("from=2027-04-01&to=2027-03-01", "from", "from=2027-03-01&to=2027-03-01", "from",
				"from=2026-01-01&to=2027-03-01", "from", "from=yesterday", "from", "to=2027-13-01", "to",
				"feature=no_such_feature", "feature", "feature=api_access", "feature", "limit=0", "limit", "limit=101",
				"limit", "limit=many", "limit");

		cases.forEach((query, field) -> {
			// when
			var response = api.get("/v1/admin/stats/usage?" + query);

			// then
			assertThat(response.status()).as(query + ": " + response).isEqualTo(400);
			assertThat(response.code()).as(query).isEqualTo("invalid_request");
			assertThat(response.header("Content-Type")).as(query).startsWith("application/problem+json");
			assertThat(response.body().path("errors").findValuesAsString("field")).as(query + ": " + response)
				.contains(field);
		});
	}

	@Test
	void workerKeysAndCustomerTokensMayNotAndNoKeyIsUnauthenticated() {
		// given
		clock.set(MARCH_10);
		var worker = api.withKey(apiKeys.create("stats-worker", ApiKeyKind.WORKER).secret());
		var customer = newCustomer("st-token");
		var token = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));
		assertThat(token.status()).as(token.toString()).isEqualTo(201);
		var endUser = api.withKey(token.body().path("token").asString());

		// when
		var responses = List.of(worker.get("/v1/admin/stats/usage"), endUser.get("/v1/admin/stats/usage"));
		var none = anonymous.get("/v1/admin/stats/usage");

		// then
		for (var response : responses) {
			assertThat(response.status()).as(response.toString()).isEqualTo(403);
			assertThat(response.code()).isEqualTo("forbidden");
		}
		assertThat(none.status()).isEqualTo(401);
	}

}

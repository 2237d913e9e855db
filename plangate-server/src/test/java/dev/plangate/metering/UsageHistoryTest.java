package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * The usage history, on a server whose clock the test moves: usage recorded by consume
 * and by usage events lands in the hour, day and month (UTC) it occurred in, empty
 * buckets are zeros, totals equal the ledger's even under concurrent consumes, end users
 * see their own customer's history only, and bad input is a clear 400.
 */
@FreshSchema
@Import(UsageHistoryTest.Clocks.class)
class UsageHistoryTest extends ServerTest {

	private static final Instant NOON_APRIL_11 = Instant.parse("2027-04-11T12:30:00Z");

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(NOON_APRIL_11);
		}

	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "usage_history");
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private JdbcClient jdbc;

	private static String event(String id, String customerId, long amount, String timestamp) {
		var event = new LinkedHashMap<String, Object>();
		event.put("id", id);
		event.put("customerId", customerId);
		event.put("feature", "api_calls");
		event.put("amount", amount);
		event.put("timestamp", timestamp);
		return Api.json(event);
	}

	private void record(String... events) {
		var response = api.post("/v1/usage-events", "{\"events\":[" + String.join(",", events) + "]}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private Api.Response consume(String customer, long amount, String key) {
		return GrantCalls.consume(api, customer, amount, key);
	}

	private JsonNode history(String customer, String query) {
		var response = api.get("/v1/customers/" + Api.encode(customer) + "/usage/history?" + query);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private static JsonNode series(JsonNode history, String feature) {
		for (var series : history.path("series")) {
			if (series.path("feature").asString().equals(feature)) {
				return series;
			}
		}
		throw new AssertionError("no series '" + feature + "' in " + history);
	}

	/** Each bucket as "start amount/events". */
	private static List<String> buckets(JsonNode series) {
		var buckets = new ArrayList<String>();
		series.path("buckets")
			.forEach(b -> buckets
				.add(b.path("start").asString() + " " + b.path("amount").asLong() + "/" + b.path("events").asLong()));
		return buckets;
	}

	@Test
	void usageFromEventsAndConsumesLandsInTheHourItOccurredIn() {
		// given
		clock.set(NOON_APRIL_11);
		var customer = newCustomer("history-hours");

		// when: three events at 10:15, 10:59:59.999 and 11:00, a repeat of one, and a
		// consume now (12:30)
		record(event("a", customer, 5, "2027-04-11T10:15:00Z"), event("b", customer, 7, "2027-04-11T10:59:59.999Z"),
				event("c", customer, 3, "2027-04-11T11:00:00Z"));
		record(event("a", customer, 5, "2027-04-11T10:15:00Z"));
		assertThat(consume(customer, 2, "k").status()).isEqualTo(200);

		// then
		var history = history(customer,
				"feature=api_calls&granularity=hour&from=2027-04-11T09:00:00Z&to=2027-04-11T13:00:00Z");
		assertThat(history.path("granularity").asString()).isEqualTo("hour");
		assertThat(history.path("from").asString()).isEqualTo("2027-04-11T09:00:00Z");
		assertThat(history.path("to").asString()).isEqualTo("2027-04-11T13:00:00Z");
		assertThat(history.path("series").size()).isEqualTo(1);
		var calls = series(history, "api_calls");
		assertThat(buckets(calls)).containsExactly("2027-04-11T09:00:00Z 0/0", "2027-04-11T10:00:00Z 12/2",
				"2027-04-11T11:00:00Z 3/1", "2027-04-11T12:00:00Z 2/1");
		assertThat(calls.path("amount").asLong()).isEqualTo(17);
		assertThat(calls.path("events").asLong()).isEqualTo(4);
	}

	@Test
	void daysAndMonthsAreSummedFromHoursInUtc() {
		// given: usage either side of midnight UTC in April, then in May
		clock.set(NOON_APRIL_11);
		var customer = newCustomer("history-days");
		record(event("late", customer, 4, "2027-04-02T23:59:59Z"), event("early", customer, 6, "2027-04-03T00:00:00Z"),
				event("offset", customer, 1, "2027-04-03T01:30:00+02:00"));
		clock.set(Instant.parse("2027-05-03T08:00:00Z"));
		assertThat(consume(customer, 10, "may").status()).isEqualTo(200);

		// when
		var days = history(customer, "feature=api_calls&granularity=day&from=2027-04-01&to=2027-04-05");
		var months = history(customer, "feature=api_calls&granularity=month&from=2027-03-15&to=2027-05-10");

		// then: 01:30+02:00 is the 2nd at 23:30 UTC; a month's range is rounded out to
		// whole months
		assertThat(buckets(series(days, "api_calls"))).containsExactly("2027-04-01T00:00:00Z 0/0",
				"2027-04-02T00:00:00Z 5/2", "2027-04-03T00:00:00Z 6/1", "2027-04-04T00:00:00Z 0/0");
		assertThat(buckets(series(months, "api_calls"))).containsExactly("2027-03-01T00:00:00Z 0/0",
				"2027-04-01T00:00:00Z 11/3", "2027-05-01T00:00:00Z 10/1");
		assertThat(months.path("to").asString()).isEqualTo("2027-06-01T00:00:00Z");
	}

	@Test
	void withoutAFeatureEveryQuotaHasASeriesAndTheDefaultsEndNow() {
		// given
		clock.set(NOON_APRIL_11);
		var customer = newCustomer("history-all");
		record(event("x", customer, 9, "2027-04-10T08:00:00Z"));

		// when
		var history = history(customer, "");

		// then: 30 days to the end of today
		assertThat(history.path("granularity").asString()).isEqualTo("day");
		assertThat(history.path("from").asString()).isEqualTo("2027-03-13T00:00:00Z");
		assertThat(history.path("to").asString()).isEqualTo("2027-04-12T00:00:00Z");
		var features = new ArrayList<String>();
		history.path("series").forEach(s -> features.add(s.path("feature").asString()));
		assertThat(features).contains("api_calls", "seats").doesNotContain("api_access");
		assertThat(series(history, "api_calls").path("buckets").size()).isEqualTo(30);
		assertThat(series(history, "api_calls").path("amount").asLong()).isEqualTo(9);
		assertThat(series(history, "api_calls").path("unit").asString()).isEqualTo("call");
		assertThat(series(history, "seats").path("amount").asLong()).isZero();
		assertThat(series(history, "seats").path("buckets").size()).isEqualTo(30);
	}

	@Test
	void concurrentConsumesAndEventsGiveExactTotals() throws Exception {
		// given
		clock.set(NOON_APRIL_11);
		var customer = newCustomer("history-race");
		GrantCalls.allow(api, customer, 1_000_000);
		var tasks = new ArrayList<Callable<Api.Response>>();
		for (int i = 0; i < 48; i++) {
			int n = i;
			tasks.add(n % 3 == 0
					? () -> api.post("/v1/usage-events",
							"{\"events\":[" + event("e" + n, customer, 5, "2027-04-11T12:00:00Z") + "]}")
					: () -> consume(customer, 3, "c" + n));
		}

		// when
		var responses = Race.run(tasks);

		// then: 16 events of 5 and 32 consumes of 3
		assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.text()).isEqualTo(200));
		var calls = series(history(customer, "feature=api_calls&granularity=hour&from=2027-04-11T12:00:00Z"),
				"api_calls");
		assertThat(buckets(calls)).containsExactly("2027-04-11T12:00:00Z 176/48");
		var ledger = jdbc.sql("select sum(amount) from usage_event where customer_id = :c")
			.param("c", customer)
			.query(Long.class)
			.single();
		assertThat(calls.path("amount").asLong()).isEqualTo(ledger);
	}

	@Test
	void anEndUserReadsItsOwnCustomersHistoryOnly() {
		// given
		clock.set(NOON_APRIL_11);
		var mine = newCustomer("history-mine");
		var other = newCustomer("history-other");
		record(event("m", mine, 2, "2027-04-11T10:00:00Z"), event("o", other, 3, "2027-04-11T10:00:00Z"));
		var token = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", mine)));
		assertThat(token.status()).as(token.toString()).isEqualTo(201);
		var me = api.withKey(token.body().path("token").asString());

		// when
		var own = me.get("/v1/me/usage/history?granularity=hour&from=2027-04-11T10:00:00Z&to=2027-04-11T11:00:00Z");
		var others = me.get("/v1/customers/" + other + "/usage/history");
		var asServer = api.get("/v1/me/usage/history");

		// then
		assertThat(own.status()).as(own.toString()).isEqualTo(200);
		assertThat(own.body().path("customerId").asString()).isEqualTo(mine);
		assertThat(own.body())
			.isEqualTo(history(mine, "granularity=hour&from=2027-04-11T10:00:00Z&to=2027-04-11T11:00:00Z"));
		assertThat(series(own.body(), "api_calls").path("amount").asLong()).isEqualTo(2);
		assertThat(others.status()).isEqualTo(403);
		assertThat(asServer.status()).isEqualTo(403);
	}

	@Test
	void thirtyOneDaysOfHoursIsTheLongestHourlyRange() {
		// given
		var customer = newCustomer("history-limit");

		// when
		var history = history(customer, "feature=api_calls&granularity=hour&from=2027-03-01&to=2027-04-01");

		// then
		assertThat(series(history, "api_calls").path("buckets").size()).isEqualTo(744);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			granularity=week                                       | granularity
			from=2027-04-12&to=2027-04-11                          | from
			from=2027-04-11&to=2027-04-11                          | from
			granularity=hour&from=2027-03-01&to=2027-04-01T00:00:01Z | from
			granularity=day&from=2024-03-01&to=2027-04-02          | from
			granularity=month&from=2017-01-01&to=2027-01-02        | from
			from=yesterday                                         | from
			from=2027-13-01                                        | from
			to=2027-04-11T10:00:00                                 | to
			from=-999999999-01-01T00:00:00Z&granularity=month      | from
			granularity=                                           | granularity
			""")
	void badInputIsAClearProblem(String query, String field) {
		// given
		var customer = newCustomer("history-bad");

		// when
		var response = api.get("/v1/customers/" + customer + "/usage/history?" + query);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("invalid_request");
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.body().path("errors").get(0).path("field").asString()).isEqualTo(field);
	}

	@Test
	void unknownCustomerOrFeatureIsNotFound() {
		// given
		var customer = newCustomer("history-404");

		// when
		var noCustomer = api.get("/v1/customers/nobody-" + customer + "/usage/history");
		var noFeature = api.get("/v1/customers/" + customer + "/usage/history?feature=no_such_feature");

		// then
		assertThat(noCustomer.status()).isEqualTo(404);
		assertThat(noCustomer.code()).isEqualTo("customer_not_found");
		assertThat(noFeature.status()).isEqualTo(404);
		assertThat(noFeature.code()).isEqualTo("feature_not_found");
	}

}

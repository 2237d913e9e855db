package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
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
 * The daily rollups the usage history reads its days and months from: written with the
 * events, they hold per customer, feature and UTC day exactly what the raw events and the
 * hourly rollups hold, also under concurrent recording, and the history's days and months
 * at the edges of its range and of months are what the hours sum to.
 */
@FreshSchema
@Import(UsageDailyRollupTest.Clocks.class)
class UsageDailyRollupTest extends ServerTest {

	private static final Instant APRIL_30_LATE = Instant.parse("2027-04-30T23:58:00Z");

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(APRIL_30_LATE);
		}

	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "usage_rollup_day");
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private JdbcClient jdbc;

	private static String event(String id, String customerId, String feature, long amount, String timestamp) {
		var event = new LinkedHashMap<String, Object>();
		event.put("id", id);
		event.put("customerId", customerId);
		event.put("feature", feature);
		event.put("amount", amount);
		event.put("timestamp", timestamp);
		return Api.json(event);
	}

	private void record(String... events) {
		var response = api.post("/v1/usage-events", "{\"events\":[" + String.join(",", events) + "]}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private JsonNode history(String customer, String query) {
		var response = api.get("/v1/customers/" + Api.encode(customer) + "/usage/history?" + query);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	/** Each bucket of the feature's series as "start amount/events". */
	private static List<String> buckets(JsonNode history, String feature) {
		var buckets = new ArrayList<String>();
		for (var series : history.path("series")) {
			if (series.path("feature").asString().equals(feature)) {
				series.path("buckets")
					.forEach(b -> buckets.add(b.path("start").asString() + " " + b.path("amount").asLong() + "/"
							+ b.path("events").asLong()));
			}
		}
		return buckets;
	}

	/** The customer's daily rollups, as "feature day amount/events" in that order. */
	private List<String> dailyRollups(String customer) {
		return jdbc.sql("""
				select feature_key, day_start, amount, events from usage_rollup_day where customer_id = :c
				order by feature_key, day_start""")
			.param("c", customer)
			.query((rs, n) -> rs.getString(1) + " " + rs.getObject(2, OffsetDateTime.class).toInstant() + " "
					+ rs.getLong(3) + "/" + rs.getLong(4))
			.list();
	}

	/**
	 * What the daily rollups must hold: the customer's recorded events summed per feature
	 * and UTC day of their occurrence, in the rollups' form.
	 */
	private List<String> eventsByDay(String customer) {
		return sumByDay(jdbc.sql("select feature_key, occurred_at, amount, 1 from usage_event where customer_id = :c")
			.param("c", customer)
			.query((rs, n) -> new Row(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(), rs.getLong(3),
					rs.getLong(4)))
			.list());
	}

	/** The customer's hourly rollups summed per feature and UTC day, in the same form. */
	private List<String> hoursByDay(String customer) {
		return sumByDay(
				jdbc.sql("select feature_key, hour_start, amount, events from usage_rollup where customer_id = :c")
					.param("c", customer)
					.query((rs, n) -> new Row(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
							rs.getLong(3), rs.getLong(4)))
					.list());
	}

	private static List<String> sumByDay(List<Row> rows) {
		var sums = new TreeMap<String, long[]>();
		for (var row : rows) {
			var sum = sums.computeIfAbsent(row.feature() + " " + row.at().truncatedTo(ChronoUnit.DAYS),
					key -> new long[2]);
			sum[0] += row.amount();
			sum[1] += row.events();
		}
		var list = new ArrayList<String>();
		sums.forEach((key, sum) -> list.add(key + " " + sum[0] + "/" + sum[1]));
		return list;
	}

	private record Row(String feature, Instant at, long amount, long events) {
	}

	@Test
	void dailyRollupsHoldWhatTheEventsAndTheHoursHold() {
		// given: a limit of 100 api_calls, at the end of April
		clock.set(APRIL_30_LATE);
		var customer = newCustomer("rollup-day-sums");
		GrantCalls.allow(api, customer, 100);

		// when: events either side of midnight UTC, one given with an offset, a repeated
		// id, consumes of which one is refused, seats up and down; then the same in May
		record(event("a", customer, "api_calls", 5, "2027-04-29T00:00:00Z"),
				event("b", customer, "api_calls", 7, "2027-04-29T23:59:59.999Z"),
				event("c", customer, "api_calls", 2, "2027-04-30T01:30:00+02:00"),
				event("d", customer, "api_calls", 3, "2027-04-30T00:00:00Z"),
				event("s1", customer, "seats", 4, "2027-04-30T10:00:00Z"),
				event("s2", customer, "seats", -1, "2027-04-30T23:00:00Z"));
		record(event("a", customer, "api_calls", 5, "2027-04-29T00:00:00Z"));
		assertThat(GrantCalls.consume(api, customer, 10, "april").status()).isEqualTo(200);
		assertThat(GrantCalls.consume(api, customer, 1_000, "too-much").status()).isEqualTo(402);
		clock.set(Instant.parse("2027-05-01T00:02:00Z"));
		record(event("e", customer, "api_calls", 11, "2027-05-01T00:00:00Z"),
				event("f", customer, "api_calls", 13, "2027-05-01T00:01:00Z"));
		assertThat(GrantCalls.consume(api, customer, 6, "may").status()).isEqualTo(200);

		// then: the 29th: 5, 7 and 2 (01:30+02:00 is 23:30 UTC on the 29th); the 30th: 3
		// and the consume of 10; the 1st of May: 11, 13 and 6
		assertThat(dailyRollups(customer)).containsExactly("api_calls 2027-04-29T00:00:00Z 14/3",
				"api_calls 2027-04-30T00:00:00Z 13/2", "api_calls 2027-05-01T00:00:00Z 30/3",
				"seats 2027-04-30T00:00:00Z 3/2");
		assertThat(dailyRollups(customer)).isEqualTo(eventsByDay(customer)).isEqualTo(hoursByDay(customer));
	}

	@Test
	void concurrentRecordingKeepsTheDailyRollupsExact() throws Exception {
		// given: events racing into four hours of two days and consumes into the hour of
		// now, 48 requests at once
		clock.set(APRIL_30_LATE);
		var customer = newCustomer("rollup-day-race");
		GrantCalls.allow(api, customer, 1_000_000);
		var hours = List.of("2027-04-29T22:10:00Z", "2027-04-29T23:59:59Z", "2027-04-30T00:00:00Z",
				"2027-04-30T23:57:00Z");
		var tasks = new ArrayList<Callable<Api.Response>>();
		for (int i = 0; i < 48; i++) {
			int n = i;
			tasks.add(n % 3 == 0 ? () -> GrantCalls.consume(api, customer, 3, "c" + n)
					: () -> api.post("/v1/usage-events",
							"{\"events\":[" + event("e" + n, customer, "api_calls", n, hours.get(n % 4)) + ","
									+ event("e" + (n + 1000), customer, "api_calls", 1, hours.get((n + 1) % 4))
									+ "]}"));
		}

		// when
		var responses = Race.run(tasks);

		// then
		assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.text()).isEqualTo(200));
		var days = dailyRollups(customer);
		assertThat(days).hasSize(2).isEqualTo(eventsByDay(customer)).isEqualTo(hoursByDay(customer));
		var ledger = jdbc.sql("select sum(amount), count(*) from usage_event where customer_id = :c")
			.param("c", customer)
			.query((rs, n) -> rs.getLong(1) + "/" + rs.getLong(2))
			.single();
		long amount = 0;
		for (int n = 0; n < 48; n++) {
			amount += n % 3 == 0 ? 3 : n + 1;
		}
		assertThat(ledger).isEqualTo(amount + "/" + (16 + 32 * 2));
		var history = history(customer, "feature=api_calls&granularity=month&from=2027-04-01&to=2027-05-01");
		assertThat(buckets(history, "api_calls")).containsExactly("2027-04-01T00:00:00Z " + ledger);
	}

	@Test
	void bucketsAtTheEdgesOfTheRangeAndOfMonthsAreWhatTheHoursSumTo() {
		// given: events at the last instant of April and the first of May, and within a
		// second of either side
		clock.set(APRIL_30_LATE);
		var customer = newCustomer("rollup-day-edges");
		record(event("first-of-april", customer, "api_calls", 1, "2027-04-01T00:00:00Z"),
				event("april-before", customer, "api_calls", 2, "2027-04-30T23:59:59Z"),
				event("april-last", customer, "api_calls", 4, "2027-04-30T23:59:59.999999Z"));
		clock.set(Instant.parse("2027-05-01T00:03:00Z"));
		record(event("may-first", customer, "api_calls", 8, "2027-05-01T00:00:00Z"),
				event("may-after", customer, "api_calls", 16, "2027-05-01T00:00:01Z"));

		// when: ranges whose from and to fall within a day, or on the edge itself
		var days = history(customer,
				"feature=api_calls&granularity=day&from=2027-04-30T23:59:59.5Z&to=2027-05-01T00:00:00.5Z");
		var dayToTheEdge = history(customer, "feature=api_calls&granularity=day&from=2027-04-30&to=2027-05-01");
		var dayFromTheEdge = history(customer,
				"feature=api_calls&granularity=day&from=2027-05-01T00:00:00Z&to=2027-05-01T00:00:01Z");
		var months = history(customer,
				"feature=api_calls&granularity=month&from=2027-04-30T23:59:59.999999Z&to=2027-05-01T00:00:00.000001Z");
		var monthToTheEdge = history(customer, "feature=api_calls&granularity=month&from=2027-03-31&to=2027-05-01");
		var hours = history(customer, "feature=api_calls&granularity=hour&from=2027-04-01&to=2027-05-02");

		// then: ranges rounded out to whole buckets, 'to' exclusive
		assertThat(buckets(days, "api_calls")).containsExactly("2027-04-30T00:00:00Z 6/2", "2027-05-01T00:00:00Z 24/2");
		assertThat(buckets(dayToTheEdge, "api_calls")).containsExactly("2027-04-30T00:00:00Z 6/2");
		assertThat(buckets(dayFromTheEdge, "api_calls")).containsExactly("2027-05-01T00:00:00Z 24/2");
		assertThat(buckets(months, "api_calls")).containsExactly("2027-04-01T00:00:00Z 7/3",
				"2027-05-01T00:00:00Z 24/2");
		assertThat(buckets(monthToTheEdge, "api_calls")).containsExactly("2027-03-01T00:00:00Z 0/0",
				"2027-04-01T00:00:00Z 7/3");
		// the hours of April and of May 1st, summed by day and by month, are the same
		var sumsOfHours = new TreeMap<String, long[]>();
		for (var hour : hours.path("series").get(0).path("buckets")) {
			var start = hour.path("start").asString();
			for (var key : List.of(start.substring(0, 10), start.substring(0, 7))) {
				var sum = sumsOfHours.computeIfAbsent(key, k -> new long[2]);
				sum[0] += hour.path("amount").asLong();
				sum[1] += hour.path("events").asLong();
			}
		}
		var allDays = history(customer, "feature=api_calls&granularity=day&from=2027-04-01&to=2027-05-02");
		assertThat(buckets(allDays, "api_calls")).hasSize(31).allSatisfy(bucket -> {
			var sum = sumsOfHours.get(bucket.substring(0, 10));
			assertThat(bucket).endsWith(" " + sum[0] + "/" + sum[1]);
		});
		assertThat(sumsOfHours.get("2027-04")).containsExactly(7, 3);
		assertThat(sumsOfHours.get("2027-05")).containsExactly(24, 2);
	}

}

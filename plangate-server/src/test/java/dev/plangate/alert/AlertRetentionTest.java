package dev.plangate.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.MovableClockConfiguration;
import dev.plangate.support.ServerTest;

/**
 * The alert history keeps an alert for {@code plangate.alerts.retention} (400 days, so
 * that a year of history stays), on a server whose clock the test moves; an alert of a
 * period still running stays however old.
 */
@FreshSchema
@Import(MovableClockConfiguration.class)
class AlertRetentionTest extends ServerTest {

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "alert_retention");
		registry.add("plangate.alerts.default-thresholds", () -> "50,100");
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private AlertRetention retention;

	@Autowired
	private JdbcClient jdbc;

	private void consumed(String customer, String feature, long amount) {
		var response = api.post("/v1/consume", Api.json(Map.of("customerId", customer, "feature", feature, "amount",
				amount, "idempotencyKey", UUID.randomUUID().toString())));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private List<String> periodsAlerted(String customer) {
		var response = api.get("/v1/customers/" + customer + "/alerts");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body()
			.path("data")
			.valueStream()
			.map(a -> a.path("feature").asString() + " " + a.path("periodStart").asString())
			.toList();
	}

	@Test
	void alertsOlderThanTheRetentionGoOnceTheirPeriodHasEnded() {
		// given: 10 api_calls a month and 10 seats; alerts in April and May 2027, and one
		// of the seats, a lifetime quota
		clock.set(Instant.parse("2027-04-15T12:00:00Z"));
		var customer = newCustomer("alerts-kept");
		api.put("/v1/customers/" + customer + "/overrides/api_calls", "{\"value\":{\"limit\":10}}");
		api.put("/v1/customers/" + customer + "/overrides/seats", "{\"value\":{\"limit\":10}}");
		consumed(customer, "api_calls", 6);
		consumed(customer, "seats", 6);
		clock.set(Instant.parse("2027-05-20T12:00:00Z"));
		consumed(customer, "api_calls", 6);
		var before = periodsAlerted(customer);

		// when: 400 days and a little after the April alerts, before May's are as old
		clock.set(Instant.parse("2028-05-19T13:00:00Z"));
		int removed = retention.purge();

		// then
		assertThat(before).containsExactly("api_calls 2027-05-01T00:00:00Z", "seats 1970-01-01T00:00:00Z",
				"api_calls 2027-04-01T00:00:00Z");
		assertThat(removed).isEqualTo(1);
		assertThat(periodsAlerted(customer)).as("May's alert and the lifetime quota's stay")
			.containsExactly("api_calls 2027-05-01T00:00:00Z", "seats 1970-01-01T00:00:00Z");

		// and a month later May's goes too, while the seats' period still runs
		clock.set(Instant.parse("2028-06-30T00:00:00Z"));
		assertThat(retention.purge()).isEqualTo(1);
		assertThat(periodsAlerted(customer)).containsExactly("seats 1970-01-01T00:00:00Z");
	}

	@Test
	void manyOldAlertsGoChunkByChunk() {
		// given: seven alerts fired in 2027, of periods long ended
		clock.set(Instant.parse("2029-03-01T00:00:00Z"));
		var customer = newCustomer("alerts-many");
		for (int threshold = 1; threshold <= 7; threshold++) {
			jdbc.sql("""
					insert into usage_alert (customer_id, feature_key, period_start, period_end, kind, threshold, used,
					  limit_value, event_id, fired_at)
					values (:customer, 'api_calls', :start, :end, 'threshold', :threshold, 1, 10, 'e', :fired)""")
				.param("customer", customer)
				.param("start", Instant.parse("2027-01-01T00:00:00Z").atOffset(ZoneOffset.UTC))
				.param("end", Instant.parse("2027-02-01T00:00:00Z").atOffset(ZoneOffset.UTC))
				.param("threshold", threshold)
				.param("fired", Instant.parse("2027-01-20T00:00:00Z").atOffset(ZoneOffset.UTC))
				.update();
		}
		assertThat(periodsAlerted(customer)).hasSize(7);

		// when: three a statement
		int removed = retention.purge(3);

		// then
		assertThat(removed).isEqualTo(7);
		assertThat(periodsAlerted(customer)).isEmpty();
	}

}

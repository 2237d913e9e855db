package dev.plangate.alert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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
 * Usage alerts as months go by, on a server whose clock the test moves and whose default
 * thresholds are 50 % and 100 %: a threshold fired in one period fires again in the next.
 */
@FreshSchema
@Import(UsageAlertsTimeTest.Clocks.class)
class UsageAlertsTimeTest extends ServerTest {

	private static final Instant MID_APRIL = Instant.parse("2027-04-15T12:00:00Z");

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(MID_APRIL);
		}

	}

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "alerts_time");
		registry.add("plangate.alerts.default-thresholds", () -> "50,100");
	}

	@Autowired
	private MovableClock clock;

	private void consumed(String customer, long amount) {
		var response = api.post("/v1/consume", Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount",
				amount, "idempotencyKey", UUID.randomUUID().toString())));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private List<JsonNode> alerts(String customer) {
		return api.get("/v1/customers/" + customer + "/alerts").body().path("data").valueStream().toList();
	}

	@Test
	void aThresholdFiredInOnePeriodFiresAgainInTheNext() {
		// given: 10 api_calls a month; April crossed 50 %
		clock.set(MID_APRIL);
		var customer = newCustomer("alerts-months");
		api.put("/v1/customers/" + customer + "/overrides/api_calls", "{\"value\":{\"limit\":10}}");
		consumed(customer, 6);
		consumed(customer, 1);

		// when: May crosses it again
		clock.set(Instant.parse("2027-05-03T08:00:00Z"));
		consumed(customer, 5);

		// then
		var history = alerts(customer);
		assertThat(history).extracting(a -> a.path("threshold").asInt()).containsExactly(50, 50);
		assertThat(history).extracting(a -> a.path("periodStart").asString())
			.containsExactly("2027-05-01T00:00:00Z", "2027-04-01T00:00:00Z");
		assertThat(history.get(1).path("periodEnd").asString()).isEqualTo("2027-05-01T00:00:00Z");
		assertThat(history.get(0).path("used").asLong()).isEqualTo(5);
	}

	@Test
	void theDefaultThresholdsComeFromTheSetting() {
		// given
		clock.set(MID_APRIL);
		var customer = newCustomer("alerts-setting");

		// when
		var read = api.get("/v1/customers/" + customer + "/alert-thresholds/api_calls");

		// then
		assertThat(read.status()).as(read.toString()).isEqualTo(200);
		assertThat(read.body().path("source").asString()).isEqualTo("default");
		assertThat(read.body().path("thresholds").valueStream().map(JsonNode::asInt).toList()).containsExactly(50, 100);
	}

}

package dev.plangate.customer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import dev.plangate.support.Api;
import dev.plangate.support.Scrape;
import dev.plangate.support.ServerTest;

/**
 * {@code plangate_customers} counts the customers of the whole system by plan,
 * subscription status and customer status, read from the database on a timer; deleted
 * customers are not counted.
 */
class CustomerMetricsTest extends ServerTest {

	private static final String CUSTOMERS = "plangate_customers";

	private static final Map<String, String> FREE_ACTIVE = Map.of("plan", "free", "status", "active", "customer_status",
			"active");

	private static final Map<String, String> FREE_SUSPENDED = Map.of("plan", "free", "status", "active",
			"customer_status", "suspended");

	@Autowired
	private CustomerMetrics metrics;

	private Scrape refreshed() {
		metrics.refresh();
		return Scrape.of(api);
	}

	@Test
	void customersAreCountedByPlanAndStatus() {
		// given
		var before = refreshed();

		// when three customers start on the default plan, one is suspended and one
		// deleted
		newCustomer("counted");
		var suspended = newCustomer("counted");
		var deleted = newCustomer("counted");
		assertThat(api.post("/v1/customers/" + Api.encode(suspended) + "/suspend", null).status()).isEqualTo(200);
		assertThat(api.delete("/v1/customers/" + Api.encode(deleted)).status()).isIn(200, 204);
		var after = refreshed();

		// then one more is active on it, and one more suspended
		assertThat(after.sum(CUSTOMERS, FREE_ACTIVE) - before.sum(CUSTOMERS, FREE_ACTIVE)).isEqualTo(1);
		assertThat(after.sum(CUSTOMERS, FREE_SUSPENDED) - before.sum(CUSTOMERS, FREE_SUSPENDED)).isEqualTo(1);
		assertThat(after.samples(CUSTOMERS, Map.of("customer_status", "deleted"))).isEmpty();
	}

	@Test
	void theCountsAreReadAgainOnATimer() {
		// given the counts as they are
		var before = refreshed();

		// when a customer is added, and nothing asks for the counts
		newCustomer("timer");

		// then they change within the refresh interval (1 s in tests)
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.untilAsserted(() -> assertThat(Scrape.of(api).sum(CUSTOMERS, FREE_ACTIVE))
				.isGreaterThan(before.sum(CUSTOMERS, FREE_ACTIVE)));
	}

}

package dev.plangate.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

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
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Overage billed once without a payment provider: each ended period's overage becomes one
 * {@code recorded} charge, however often and however many runs of the job at once look.
 */
@FreshSchema
@Import(ChargesTest.Clocks.class)
class ChargesTest extends ServerTest {

	private static final Instant JANUARY_10 = Instant.parse("2027-01-10T00:00:00Z");

	private static final Instant FEBRUARY_1 = Instant.parse("2027-02-01T00:00:00Z");

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(JANUARY_10);
		}

	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "charges");
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private Charges charges;

	/** A customer on January 10 that used 7 api_calls beyond an allowance of 10. */
	private String customerWithOverage() {
		clock.set(JANUARY_10);
		var customer = newCustomer("charges");
		var override = api.put("/v1/customers/" + customer + "/overrides/api_calls",
				"{\"value\":{\"limit\":10,\"overage\":{\"price\":3,\"per\":2}}}");
		assertThat(override.status()).as(override.toString()).isEqualTo(200);
		var consumed = api.post("/v1/consume", Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount",
				17, "idempotencyKey", UUID.randomUUID().toString())));
		assertThat(consumed.body().path("overageUnits").asLong()).as(consumed.toString()).isEqualTo(7);
		return customer;
	}

	private JsonNode chargesOf(String customer) {
		var response = api.get("/v1/customers/" + customer + "/charges");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data");
	}

	@Test
	void anEndedPeriodsOverageIsRecordedOnceAfterTheDelay() {
		// given
		var customer = customerWithOverage();

		// when: before the period ends, within the delay after it, then after it, twice
		charges.run();
		var duringPeriod = chargesOf(customer).size();
		clock.set(FEBRUARY_1.plus(Duration.ofMinutes(4)));
		charges.run();
		var withinDelay = chargesOf(customer).size();
		clock.set(FEBRUARY_1.plus(Duration.ofMinutes(6)));
		charges.run();
		charges.run();

		// then
		assertThat(duringPeriod).isZero();
		assertThat(withinDelay).isZero();
		var list = chargesOf(customer);
		assertThat(list).hasSize(1);
		var charge = list.get(0);
		assertThat(charge.path("kind").asString()).isEqualTo("overage");
		assertThat(charge.path("feature").asString()).isEqualTo("api_calls");
		assertThat(charge.path("status").asString()).isEqualTo("recorded");
		assertThat(charge.path("quantity").asLong()).isEqualTo(7);
		assertThat(charge.path("amount").asLong()).as("7 at 3 per 2, rounded up").isEqualTo(11);
		assertThat(charge.path("currency").asString()).isEqualTo("USD");
		assertThat(charge.path("periodStart").asString()).isEqualTo("2027-01-01T00:00:00Z");
		assertThat(charge.path("periodEnd").asString()).isEqualTo("2027-02-01T00:00:00Z");
		var told = chargeEvents(customer);
		assertThat(told).as("told once, as it is made once").hasSize(1);
		assertThat(told.get(0).path("data").path("id").asString()).isEqualTo(charge.path("id").asString());
		assertThat(told.get(0).path("data").path("amount").asLong()).isEqualTo(11);
	}

	private List<JsonNode> chargeEvents(String customer) {
		var response = api.get("/v1/customers/" + customer + "/events?type=charge.created");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var events = new ArrayList<JsonNode>();
		response.body().path("data").forEach(events::add);
		return events;
	}

	@Test
	void overageIsChargedAtThePriceOfThePlanItWasUsedOnAfterADowngradeInThePeriod() {
		// given: 7 api_calls beyond Pro's 100,000 (1 per 100), then a move to Free now
		clock.set(JANUARY_10);
		var customer = newCustomer("charges-downgraded");
		assertThat(api.post("/v1/customers/" + customer + "/subscription", "{\"plan\":\"pro\"}").status())
			.isEqualTo(200);
		var consumed = api.post("/v1/consume", Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount",
				100_007, "idempotencyKey", UUID.randomUUID().toString())));
		assertThat(consumed.body().path("overageUnits").asLong()).as(consumed.toString()).isEqualTo(7);
		clock.set(JANUARY_10.plus(Duration.ofDays(10)));
		var downgraded = api.post("/v1/customers/" + customer + "/subscription",
				"{\"plan\":\"free\",\"when\":\"now\",\"force\":true}");
		assertThat(downgraded.status()).as(downgraded.toString()).isEqualTo(200);

		// when
		clock.set(FEBRUARY_1.plus(Duration.ofMinutes(6)));
		charges.run();

		// then
		var list = chargesOf(customer);
		assertThat(list).hasSize(1);
		assertThat(list.get(0).path("quantity").asLong()).isEqualTo(7);
		assertThat(list.get(0).path("amount").asLong()).as("7 at 1 per 100, rounded up").isEqualTo(1);
	}

	@Test
	void jobRunsAtOnceChargeEachPeriodOnce() throws Exception {
		// given
		var customer = customerWithOverage();
		clock.set(FEBRUARY_1.plus(Duration.ofMinutes(6)));
		Callable<Integer> run = charges::run;

		// when
		List<Integer> made = Race.times(4, run);

		// then
		assertThat(chargesOf(customer)).hasSize(1);
		assertThat(made.stream().mapToInt(Integer::intValue).sum()).isGreaterThanOrEqualTo(1);
	}

	@Test
	void chargesArePagedAndShownToTheCustomersOwnToken() {
		// given
		var customer = customerWithOverage();
		clock.set(FEBRUARY_1.plus(Duration.ofMinutes(6)));
		charges.run();
		var token = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)))
			.body()
			.path("token")
			.asString();

		// when
		var page = api.get("/v1/customers/" + customer + "/charges?limit=1");
		var mine = anonymous.withKey(token).get("/v1/me/charges");
		var unknown = api.get("/v1/customers/nobody-here/charges");

		// then
		assertThat(page.body().path("data")).as(page.toString()).hasSize(1);
		assertThat(page.body().has("nextCursor")).isFalse();
		assertThat(mine.status()).as(mine.toString()).isEqualTo(200);
		assertThat(mine.body().path("data").get(0).path("customerId").asString()).isEqualTo(customer);
		assertThat(unknown.status()).isEqualTo(404);
	}

	@Test
	void aPricedGrantWithoutAPaymentProviderIsRecordedAsAChargeAndUsableAtOnce() {
		// given
		clock.set(JANUARY_10);
		var customer = newCustomer("charges-grant");

		// when
		var created = api.post("/v1/customers/" + customer + "/grants", Api.json(Map.of("feature", "api_calls",
				"amount", 50, "price", Map.of("amount", 1500, "currency", "EUR"), "payment", "deferred")));

		// then
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.body().path("status").asString()).isEqualTo("active");
		assertThat(created.body().path("payment").asString()).isEqualTo("deferred");
		var charge = chargesOf(customer).get(0);
		assertThat(charge.path("kind").asString()).isEqualTo("grant");
		assertThat(charge.path("status").asString()).isEqualTo("recorded");
		assertThat(charge.path("amount").asLong()).isEqualTo(1500);
		assertThat(charge.path("currency").asString()).isEqualTo("EUR");
		assertThat(charge.path("quantity").asLong()).isEqualTo(50);
		assertThat(charge.path("grantId").asString()).isEqualTo(created.body().path("id").asString());
		var told = chargeEvents(customer);
		assertThat(told).hasSize(1);
		assertThat(told.get(0).path("data").path("kind").asString()).isEqualTo("grant");
		assertThat(told.get(0).path("data").path("grantId").asString()).isEqualTo(created.body().path("id").asString());
	}

	@Test
	void aPaymentWithoutAPriceOrABadPriceIsRefused() {
		// given
		var customer = newCustomer("charges-bad-grant");

		// when
		var noPrice = api.post("/v1/customers/" + customer + "/grants",
				Api.json(Map.of("feature", "api_calls", "amount", 5, "payment", "deferred")));
		var badCurrency = api.post("/v1/customers/" + customer + "/grants", Api
			.json(Map.of("feature", "api_calls", "amount", 5, "price", Map.of("amount", 100, "currency", "euro"))));

		// then
		assertThat(noPrice.status()).as(noPrice.toString()).isEqualTo(422);
		assertThat(badCurrency.status()).as(badCurrency.toString()).isEqualTo(400);
	}

}

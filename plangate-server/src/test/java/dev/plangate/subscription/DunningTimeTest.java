package dev.plangate.subscription;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.catalog.CatalogService;
import dev.plangate.platform.Actor;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.MovableClockConfiguration;
import dev.plangate.support.ServerTest;

/**
 * A subscription the payment provider could not collect: past due, it keeps its plan
 * through the grace (14 days), then it is unpaid and its entitlements cannot be used,
 * until a payment goes through.
 */
@FreshSchema
@Import(MovableClockConfiguration.class)
class DunningTimeTest extends ServerTest {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "dunning_time");
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private SubscriptionService subscriptions;

	@Autowired
	private CatalogService catalog;

	private SubscriptionService.ProviderState state(SubscriptionStatus status) {
		var start = Instant.parse("2027-03-01T00:00:00Z");
		return new SubscriptionService.ProviderState(catalog.plan("enterprise"), status, start, start,
				Instant.parse("2027-04-01T00:00:00Z"), null, false, false);
	}

	private void providerSays(String customerId, SubscriptionStatus status) {
		Actor.as(new Actor("stripe", ""), () -> subscriptions.follow(customerId, state(status)));
	}

	private boolean allowed(String customerId) {
		var check = api.post("/v1/check", Api.json(Map.of("customerId", customerId, "feature", "sso")));
		assertThat(check.status()).as(check.toString()).isEqualTo(200);
		return check.body().path("allowed").asBoolean();
	}

	private String status(String customerId) {
		return api.get("/v1/customers/" + Api.encode(customerId) + "/subscription").body().path("status").asString();
	}

	@Test
	void aPastDueCustomerKeepsItsPlanForTheGraceThenCannotUseItUntilItPays() {
		// given: on enterprise, past due from March 3rd
		clock.set(Instant.parse("2027-03-01T00:00:00Z"));
		var id = newCustomer("dunning");
		providerSays(id, SubscriptionStatus.ACTIVE);
		clock.set(Instant.parse("2027-03-03T00:00:00Z"));
		providerSays(id, SubscriptionStatus.PAST_DUE);

		// when / then: through the grace, enterprise's features work
		clock.set(Instant.parse("2027-03-16T23:59:59Z"));
		assertThat(status(id)).isEqualTo("past_due");
		var pastDue = api.get("/v1/customers/" + Api.encode(id) + "/subscription").body();
		assertThat(pastDue.path("pastDueSince").asString()).isEqualTo("2027-03-03T00:00:00Z");
		assertThat(pastDue.path("graceEndsAt").asString()).isEqualTo("2027-03-17T00:00:00Z");
		assertThat(allowed(id)).isTrue();

		// when / then: the grace over, the subscription is unpaid, done by the system
		clock.set(Instant.parse("2027-03-17T00:00:00Z"));
		assertThat(allowed(id)).isFalse();
		assertThat(status(id)).isEqualTo("unpaid");
		var history = api.get("/v1/customers/" + Api.encode(id) + "/subscription/history").body().path("data");
		var last = history.get(history.size() - 1);
		assertThat(last.path("action").asString()).isEqualTo("grace_ended");
		assertThat(last.path("actor").asString()).isEqualTo("system");

		// when / then: a payment goes through
		clock.advance(Duration.ofDays(2));
		providerSays(id, SubscriptionStatus.ACTIVE);
		assertThat(status(id)).isEqualTo("active");
		assertThat(allowed(id)).isTrue();
	}

	@Test
	void aSecondFailedRenewalCountsTheGraceFromTheFirst() {
		// given: past due since March 3rd, still past due when Stripe says so again
		clock.set(Instant.parse("2027-03-01T00:00:00Z"));
		var id = newCustomer("dunning-again");
		providerSays(id, SubscriptionStatus.ACTIVE);
		clock.set(Instant.parse("2027-03-03T00:00:00Z"));
		providerSays(id, SubscriptionStatus.PAST_DUE);
		clock.set(Instant.parse("2027-03-10T00:00:00Z"));
		providerSays(id, SubscriptionStatus.PAST_DUE);

		// when
		clock.set(Instant.parse("2027-03-17T00:00:00Z"));

		// then
		assertThat(status(id)).isEqualTo("unpaid");
	}

}

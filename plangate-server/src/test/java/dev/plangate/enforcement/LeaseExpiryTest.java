package dev.plangate.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

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
 * Leases running out, over HTTP, on a server whose clock the test moves (default catalog:
 * one concurrent job on free). A holder that stops heartbeating, as a crashed one does,
 * gives its slot back when its lease expires.
 */
@FreshSchema
@Import(LeaseExpiryTest.Clocks.class)
class LeaseExpiryTest extends ServerTest {

	private static final String LEASES = "/v1/leases";

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(Instant.parse("2027-02-01T00:00:00Z"));
		}

	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "lease_expiry");
	}

	@Autowired
	private MovableClock clock;

	private Api.Response acquire(String customerId, int ttlSeconds) {
		return api.post(LEASES, "{\"customerId\":\"" + customerId + "\",\"feature\":\"concurrent_jobs\",\"ttlSeconds\":"
				+ ttlSeconds + "}");
	}

	private JsonNode acquired(String customerId, int ttlSeconds) {
		var response = acquire(customerId, ttlSeconds);
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.body();
	}

	private Api.Response heartbeat(JsonNode lease, int ttlSeconds) {
		return api.post(LEASES + "/" + lease.path("id").asString() + "/heartbeat",
				"{\"ttlSeconds\":" + ttlSeconds + "}");
	}

	private Api.Response release(JsonNode lease) {
		return api.delete(LEASES + "/" + lease.path("id").asString());
	}

	/** The refusal of an acquire while every slot is held. */
	private static Api.Response assertFull(Api.Response response) {
		assertThat(response.status()).as(response.toString()).isEqualTo(429);
		assertThat(response.code()).isEqualTo("concurrency_limit_reached");
		return response;
	}

	private static long retryAfter(Api.Response response) {
		return Long.parseLong(String.valueOf(response.header("Retry-After")));
	}

	private static Instant instant(JsonNode node) {
		return Instant.parse(node.asString());
	}

	@Test
	void leaseNotHeartbeatedPastItsTimeToLiveFreesItsSlot() {
		// given: the only slot, held by a holder that then crashes
		clock.set(Instant.parse("2027-02-01T10:00:00Z"));
		var customer = newCustomer("exp-crash");
		var crashed = acquired(customer, 60);
		assertFull(acquire(customer, 60));

		// when: its lease runs out
		clock.advance(Duration.ofSeconds(61));
		var response = acquire(customer, 60);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		assertThat(response.body().path("held").asInt()).as("the expired lease no longer counts").isEqualTo(1);
		assertThat(response.body().path("id").asString()).isNotEqualTo(crashed.path("id").asString());
		assertThat(instant(response.body().path("acquiredAt"))).isEqualTo(Instant.parse("2027-02-01T10:01:01Z"));
	}

	@Test
	void leaseHoldsItsSlotUntilTheInstantItExpires() {
		// given
		clock.set(Instant.parse("2027-02-02T10:00:00Z"));
		var customer = newCustomer("exp-instant");
		var lease = acquired(customer, 60);
		var expiresAt = instant(lease.path("expiresAt"));

		// when / then: a microsecond before, still held
		clock.set(expiresAt.minusNanos(1_000));
		assertFull(acquire(customer, 60));

		// when / then: at its expiry, free
		clock.set(expiresAt);
		assertThat(acquire(customer, 60).status()).isEqualTo(201);
	}

	@Test
	void expiredLeaseCannotBeHeartbeated() {
		// given
		clock.set(Instant.parse("2027-02-03T10:00:00Z"));
		var customer = newCustomer("exp-heartbeat");
		var lease = acquired(customer, 30);

		// when
		clock.advance(Duration.ofSeconds(31));
		var response = heartbeat(lease, 60);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("lease_not_found");
		assertThat(acquire(customer, 60).status()).as("the heartbeat did not revive the lease").isEqualTo(201);
	}

	@Test
	void expiredLeaseCannotBeHeartbeatedOnceItsSlotIsTaken() {
		// given: the lease expired and another holder took the slot
		clock.set(Instant.parse("2027-02-04T10:00:00Z"));
		var customer = newCustomer("exp-taken");
		var expired = acquired(customer, 30);
		clock.advance(Duration.ofSeconds(45));
		var taker = acquired(customer, 60);

		// when
		var heartbeat = heartbeat(expired, 60);
		var release = release(expired);

		// then
		assertThat(heartbeat.status()).as(heartbeat.toString()).isEqualTo(404);
		assertThat(heartbeat.code()).isEqualTo("lease_not_found");
		assertThat(release.status()).as(release.toString()).isEqualTo(404);
		assertThat(release.code()).isEqualTo("lease_not_found");
		assertThat(heartbeat(taker, 60).status()).as("the new holder keeps its slot").isEqualTo(200);
		assertFull(acquire(customer, 60));
	}

	@Test
	void expiredLeaseCannotBeReleased() {
		// given: the lease expired and nobody has asked for the slot since
		clock.set(Instant.parse("2027-02-04T12:00:00Z"));
		var customer = newCustomer("exp-release");
		var expired = acquired(customer, 30);
		clock.advance(Duration.ofSeconds(31));

		// when
		var release = release(expired);

		// then: the same answer as its heartbeat, whether or not the slot was taken since
		assertThat(release.status()).as(release.toString()).isEqualTo(404);
		assertThat(release.code()).isEqualTo("lease_not_found");
		assertThat(heartbeat(expired, 60).code()).isEqualTo("lease_not_found");
	}

	@Test
	void heartbeatedLeaseSurvivesPastItsFirstExpiry() {
		// given: a 60-second lease, heartbeated for 60 more seconds at 50 seconds
		clock.set(Instant.parse("2027-02-05T10:00:00Z"));
		var customer = newCustomer("exp-survives");
		var lease = acquired(customer, 60);
		clock.advance(Duration.ofSeconds(50));
		var extended = heartbeat(lease, 60);
		assertThat(extended.status()).as(extended.toString()).isEqualTo(200);
		assertThat(instant(extended.body().path("expiresAt"))).isEqualTo(Instant.parse("2027-02-05T10:01:50Z"));

		// when: past the first expiry (10:01:00), before the new one
		clock.set(Instant.parse("2027-02-05T10:01:20Z"));
		var response = acquire(customer, 60);

		// then: the slot is still held, and the lease can go on
		assertFull(response);
		assertThat(retryAfter(response)).isEqualTo(30);
		var again = heartbeat(lease, 60);
		assertThat(again.status()).as(again.toString()).isEqualTo(200);
		assertThat(instant(again.body().path("expiresAt"))).isEqualTo(Instant.parse("2027-02-05T10:02:20Z"));
	}

	@Test
	void heartbeatedLeaseExpiresWhenTheHeartbeatsStop() {
		// given: heartbeated once, then the holder stops
		clock.set(Instant.parse("2027-02-06T10:00:00Z"));
		var customer = newCustomer("exp-stops");
		var lease = acquired(customer, 60);
		clock.advance(Duration.ofSeconds(50));
		assertThat(heartbeat(lease, 60).status()).isEqualTo(200);

		// when: past the extended expiry
		clock.set(Instant.parse("2027-02-06T10:01:50Z"));
		var response = acquire(customer, 60);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		assertThat(heartbeat(lease, 60).status()).isEqualTo(404);
	}

	@Test
	void retryAfterCountsDownWithTheClock() {
		// given: the only slot held for 60 seconds
		clock.set(Instant.parse("2027-02-07T10:00:00Z"));
		var customer = newCustomer("exp-countdown");
		acquired(customer, 60);

		// when / then: at once, the whole lease
		var atOnce = assertFull(acquire(customer, 60));
		assertThat(retryAfter(atOnce)).isEqualTo(60);
		assertThat(atOnce.header("RateLimit")).isEqualTo("\"concurrent_jobs\";r=0;t=60");

		// when / then: 45 seconds later, 15 left
		clock.advance(Duration.ofSeconds(45));
		var later = assertFull(acquire(customer, 60));
		assertThat(retryAfter(later)).isEqualTo(15);
		assertThat(later.header("RateLimit")).isEqualTo("\"concurrent_jobs\";r=0;t=15");
		assertThat(later.body().path("retryAfter").asLong()).isEqualTo(15);

		// when / then: part of a second left counts as one whole second
		clock.advance(Duration.ofMillis(14_500));
		var lastMoment = assertFull(acquire(customer, 60));
		assertThat(retryAfter(lastMoment)).isEqualTo(1);
	}

	@Test
	void retryAfterFollowsTheHeartbeat() {
		// given: the only slot held for 60 seconds, heartbeated at 30 seconds for 120
		clock.set(Instant.parse("2027-02-08T10:00:00Z"));
		var customer = newCustomer("exp-follows");
		var lease = acquired(customer, 60);
		clock.advance(Duration.ofSeconds(30));
		assertThat(heartbeat(lease, 120).status()).isEqualTo(200);

		// when
		var response = assertFull(acquire(customer, 60));

		// then
		assertThat(retryAfter(response)).isEqualTo(120);
	}

}

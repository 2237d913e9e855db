package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.SoftAssertions.assertSoftly;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
 * Grants as time goes by, on a server whose clock the test moves: a grant is drawn only
 * between its start and its expiry, what remains at expiry is forfeited, and what remains
 * at a new period is kept and drawn only once the period's fresh allowance is spent.
 */
@FreshSchema
@Import(GrantsTimeTest.Clocks.class)
class GrantsTimeTest extends ServerTest {

	/** Ten of April's thirty days have passed. */
	private static final Instant APRIL_11 = Instant.parse("2027-04-11T00:00:00Z");

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(APRIL_11);
		}

	}

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "grants_time");
	}

	@Autowired
	private MovableClock clock;

	/** A customer on April 11 allowed {@code limit} api_calls a month. */
	private String customerWithAllowance(long limit) {
		clock.set(APRIL_11);
		var customer = newCustomer("grants-time");
		GrantCalls.allow(api, customer, limit);
		return customer;
	}

	private JsonNode grant(String customer, long amount, String extra) {
		return GrantCalls.grant(api, customer, amount, extra);
	}

	private static String expiring(Instant at) {
		return ",\"expiresAt\":\"" + at + "\"";
	}

	private JsonNode read(String customer, JsonNode grant) {
		var response = api.get("/v1/customers/" + customer + "/grants/" + grant.path("id").asString());
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private Api.Response consume(String customer, long amount) {
		return GrantCalls.consume(api, customer, amount, UUID.randomUUID().toString());
	}

	/** A consume that must be admitted. */
	private JsonNode admitted(String customer, long amount) {
		var response = consume(customer, amount);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private JsonNode check(String customer, long amount) {
		var response = api.post("/v1/check",
				"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":%d}".formatted(customer, amount));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private JsonNode quota(String customer) {
		var response = api.get("/v1/customers/" + customer + "/usage");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body()
			.path("quotas")
			.valueStream()
			.filter(q -> q.path("feature").asString().equals("api_calls"))
			.findFirst()
			.orElseThrow();
	}

	private static List<String> activeIds(JsonNode quota) {
		return quota.path("grants").path("active").valueStream().map(g -> g.path("id").asString()).toList();
	}

	@Test
	void aScheduledGrantIsNotDrawnBeforeItStartsAndIsFromItsStart() {
		// given
		var customer = customerWithAllowance(10);
		var startsAt = Instant.parse("2027-04-15T00:00:00Z");
		var scheduled = grant(customer, 5, ",\"startsAt\":\"" + startsAt + "\"");
		admitted(customer, 10);

		// when
		var before = consume(customer, 1);
		var checkedBefore = check(customer, 1);
		var viewBefore = quota(customer);
		clock.set(startsAt);
		var from = consume(customer, 1);

		// then
		assertThat(scheduled.path("status").asString()).isEqualTo("scheduled");
		assertThat(before.status()).as(before.toString()).isEqualTo(402);
		assertThat(before.code()).isEqualTo("quota_exceeded");
		assertThat(checkedBefore.path("allowed").asBoolean()).isFalse();
		assertThat(viewBefore.has("grants")).as(viewBefore.toString()).isFalse();
		assertThat(from.status()).as(from.toString()).isEqualTo(200);
		assertThat(from.body().path("fromGrants").asLong()).isEqualTo(1);
		assertThat(from.body().path("grantsRemaining").asLong()).isEqualTo(4);
		var after = read(customer, scheduled);
		assertThat(after.path("status").asString()).isEqualTo("active");
		assertThat(after.path("remaining").asLong()).isEqualTo(4);
		assertThat(after.path("drawn").asLong()).isEqualTo(1);
	}

	@Test
	void aScheduledGrantDoesNotOpenAQuotaThePlanLeavesAtZeroUntilItStarts() {
		// given
		var customer = customerWithAllowance(0);
		var startsAt = Instant.parse("2027-04-12T00:00:00Z");
		grant(customer, 3, ",\"startsAt\":\"" + startsAt + "\"");

		// when
		var before = consume(customer, 1);
		clock.set(startsAt);
		var from = consume(customer, 1);

		// then
		assertThat(before.status()).as(before.toString()).isEqualTo(402);
		assertThat(before.code()).isEqualTo("feature_not_in_plan");
		assertThat(from.status()).as(from.toString()).isEqualTo(200);
		assertThat(from.body().path("grantsRemaining").asLong()).isEqualTo(2);
	}

	@Test
	void anExpiredGrantIsNoLongerDrawnAndWhatRemainedIsForfeited() {
		// given
		var customer = customerWithAllowance(10);
		var expiresAt = Instant.parse("2027-04-20T00:00:00Z");
		var expiring = grant(customer, 5, expiring(expiresAt));
		admitted(customer, 10);
		assertThat(admitted(customer, 2).path("fromGrants").asLong()).isEqualTo(2);

		// when
		clock.set(expiresAt);
		var after = consume(customer, 1);
		var checked = check(customer, 1);

		// then
		assertThat(after.status()).as(after.toString()).isEqualTo(402);
		assertThat(after.code()).isEqualTo("quota_exceeded");
		assertThat(after.body().has("grantsRemaining")).as(after.toString()).isFalse();
		assertThat(checked.path("allowed").asBoolean()).isFalse();
		var grant = read(customer, expiring);
		assertThat(grant.path("status").asString()).isEqualTo("expired");
		assertThat(grant.path("remaining").asLong()).isEqualTo(3);
		assertThat(grant.path("drawn").asLong()).isEqualTo(2);
		var view = quota(customer);
		assertThat(view.path("used").asLong()).isEqualTo(12);
		assertThat(view.path("overage").asLong()).isZero();
		assertThat(view.path("grants").path("granted").asLong()).isZero();
		assertThat(view.path("grants").path("remaining").asLong()).isZero();
		assertThat(view.path("grants").path("drawnThisPeriod").asLong()).isEqualTo(2);
		assertThat(activeIds(view)).isEmpty();
	}

	@Test
	void aGrantIsDrawnUntilTheLastMomentBeforeItExpires() {
		// given
		var customer = customerWithAllowance(0);
		var expiresAt = Instant.parse("2027-04-20T00:00:00Z");
		var expiring = grant(customer, 5, expiring(expiresAt));

		// when
		clock.set(expiresAt.minusMillis(1));
		var justBefore = consume(customer, 1);
		clock.set(expiresAt);
		var atExpiry = consume(customer, 1);

		// then
		assertThat(justBefore.status()).as(justBefore.toString()).isEqualTo(200);
		assertThat(atExpiry.status()).as(atExpiry.toString()).isEqualTo(402);
		assertThat(atExpiry.code()).isEqualTo("feature_not_in_plan");
		assertThat(read(customer, expiring).path("remaining").asLong()).isEqualTo(4);
	}

	@Test
	void atTheNextMonthTheAllowanceIsFreshAndGrantsKeepWhatRemainsForAfterIt() {
		// given: April's allowance spent and 5 of a grant of 20 drawn
		var customer = customerWithAllowance(10);
		var credit = grant(customer, 20, "");
		admitted(customer, 10);
		assertThat(admitted(customer, 5).path("fromGrants").asLong()).isEqualTo(5);

		// when: May begins
		clock.set(Instant.parse("2027-05-01T00:00:00Z"));
		var withinAllowance = admitted(customer, 10);
		var beyond = admitted(customer, 3);

		// then: May's 10 come from the allowance, only then the grant is drawn
		assertThat(withinAllowance.path("used").asLong()).isEqualTo(10);
		assertThat(withinAllowance.has("fromGrants")).as(withinAllowance.toString()).isFalse();
		assertThat(beyond.path("fromGrants").asLong()).isEqualTo(3);
		assertThat(beyond.path("grantsRemaining").asLong()).isEqualTo(12);
		var grant = read(customer, credit);
		assertThat(grant.path("remaining").asLong()).isEqualTo(12);
		assertThat(grant.path("drawn").asLong()).isEqualTo(8);
		assertThat(grant.path("status").asString()).isEqualTo("active");
		var view = quota(customer);
		assertThat(view.path("used").asLong()).isEqualTo(13);
		assertThat(view.path("grants").path("drawnThisPeriod").asLong()).isEqualTo(3);
		assertThat(view.path("overage").asLong()).isZero();
	}

	@Test
	void drawnThisPeriodStartsAgainAtTheNewPeriodWhileTheGrantKeepsWhatWasDrawn() {
		// given
		var customer = customerWithAllowance(10);
		var credit = grant(customer, 20, "");
		admitted(customer, 16);
		assertThat(quota(customer).path("grants").path("drawnThisPeriod").asLong()).isEqualTo(6);

		// when
		clock.set(Instant.parse("2027-05-01T00:00:00Z"));

		// then
		var view = quota(customer);
		assertThat(Instant.parse(view.path("periodStart").asString())).isEqualTo(Instant.parse("2027-05-01T00:00:00Z"));
		assertThat(view.path("used").asLong()).isZero();
		assertThat(view.path("remaining").asLong()).isEqualTo(10);
		assertThat(view.path("overage").asLong()).isZero();
		assertThat(view.path("grants").path("drawnThisPeriod").asLong()).isZero();
		assertThat(view.path("grants").path("granted").asLong()).isEqualTo(20);
		assertThat(view.path("grants").path("remaining").asLong()).isEqualTo(14);
		assertThat(view.path("grants").path("active").get(0).path("remaining").asLong()).isEqualTo(14);
		var grant = read(customer, credit);
		assertThat(grant.path("drawn").asLong()).isEqualTo(6);
		assertThat(grant.path("remaining").asLong()).isEqualTo(14);
	}

	@Test
	void theSoonestExpiringGrantIsDrawnFirstAndAConsumeIsSplitAcrossGrants() {
		// given: created one second apart, so that equal expiries are drawn oldest first
		var customer = customerWithAllowance(2);
		var lateApril = Instant.parse("2027-04-25T00:00:00Z");
		var may = grant(customer, 3, expiring(Instant.parse("2027-05-20T00:00:00Z")));
		clock.advance(Duration.ofSeconds(1));
		var never = grant(customer, 5, "");
		clock.advance(Duration.ofSeconds(1));
		var april = grant(customer, 4, expiring(lateApril));
		clock.advance(Duration.ofSeconds(1));
		var aprilToo = grant(customer, 2, expiring(lateApril));
		admitted(customer, 2);

		// when
		var first = admitted(customer, 5);
		var remainingAfterFirst = List.of(read(customer, april), read(customer, aprilToo), read(customer, may),
				read(customer, never));
		var second = admitted(customer, 3);
		var third = admitted(customer, 6);
		var refused = consume(customer, 1);

		// then
		assertThat(activeIds(quota(customer))).isEmpty();
		assertThat(first.path("fromGrants").asLong()).isEqualTo(5);
		assertThat(first.path("grantsRemaining").asLong()).isEqualTo(9);
		assertThat(remainingAfterFirst.stream().map(g -> g.path("remaining").asLong())).containsExactly(0L, 1L, 3L, 5L);
		assertThat(second.path("grantsRemaining").asLong()).isEqualTo(6);
		assertThat(third.path("grantsRemaining").asLong()).isZero();
		assertThat(read(customer, never).path("drawn").asLong()).isEqualTo(5);
		assertThat(read(customer, may).path("drawn").asLong()).isEqualTo(3);
		assertThat(refused.status()).as(refused.toString()).isEqualTo(402);
	}

	@Test
	void theUsageViewListsActiveGrantsInDrawingOrder() {
		// given
		var customer = customerWithAllowance(10);
		var never = grant(customer, 5, "");
		clock.advance(Duration.ofSeconds(1));
		var later = grant(customer, 4, expiring(Instant.parse("2027-06-01T00:00:00Z")));
		clock.advance(Duration.ofSeconds(1));
		var sooner = grant(customer, 3, expiring(Instant.parse("2027-05-01T00:00:00Z")));

		// when
		var view = quota(customer);

		// then
		assertThat(activeIds(view)).containsExactly(sooner.path("id").asString(), later.path("id").asString(),
				never.path("id").asString());
		assertThat(view.path("grants").path("granted").asLong()).isEqualTo(12);
		assertThat(view.path("grants").path("remaining").asLong()).isEqualTo(12);
		assertThat(view.path("grants").path("drawnThisPeriod").asLong()).isZero();
	}

	@Test
	void whenTheSoonestGrantExpiresTheNextIsDrawn() {
		// given
		var customer = customerWithAllowance(0);
		var sooner = grant(customer, 5, expiring(Instant.parse("2027-04-20T00:00:00Z")));
		clock.advance(Duration.ofSeconds(1));
		var later = grant(customer, 5, expiring(Instant.parse("2027-04-30T00:00:00Z")));
		assertThat(admitted(customer, 2).path("grantsRemaining").asLong()).isEqualTo(8);

		// when
		clock.set(Instant.parse("2027-04-21T00:00:00Z"));
		var afterExpiry = admitted(customer, 2);

		// then
		assertThat(afterExpiry.path("grantsRemaining").asLong()).isEqualTo(3);
		assertThat(read(customer, sooner).path("remaining").asLong()).isEqualTo(3);
		assertThat(read(customer, sooner).path("status").asString()).isEqualTo("expired");
		assertThat(read(customer, later).path("remaining").asLong()).isEqualTo(3);
		var view = quota(customer);
		assertThat(activeIds(view)).containsExactly(later.path("id").asString());
		assertThat(view.path("grants").path("drawnThisPeriod").asLong()).isEqualTo(4);
	}

	@Test
	void aQuotaThePlanLeavesOutIsOpenedByGrantsAndAnsweredWithALimitOfZero() {
		// given: a plan without api_calls (on this test's own database, so that no other
		// suite sees it)
		clock.set(APRIL_11);
		var plan = uniqueKey("no_calls");
		var created = api.post("/v1/admin/plans", """
				{"key": "%s", "name": "No calls", "price": 500, "interval": "month",
				 "entitlements": {"api_access": true, "seats": 1}}""".formatted(plan));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		var customer = newCustomer("grants-no-calls");
		var subscribed = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\":\"" + plan + "\"}");
		assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(200);
		var closed = consume(customer, 1);
		grant(customer, 3, "");

		// when
		var checked = check(customer, 1);
		var opened = consume(customer, 2);
		var tooMuch = consume(customer, 2);
		var checkedTooMuch = check(customer, 2);

		// then: the plan's allowance reads as 0 in every answer, as in the usage view
		assertThat(closed.status()).as(closed.toString()).isEqualTo(402);
		assertThat(closed.code()).isEqualTo("feature_not_in_plan");
		assertThat(checked.path("allowed").asBoolean()).as(checked.toString()).isTrue();
		assertThat(checked.path("fromGrants").asLong()).isEqualTo(1);
		assertThat(opened.status()).as(opened.toString()).isEqualTo(200);
		assertThat(opened.body().path("fromGrants").asLong()).isEqualTo(2);
		assertThat(opened.body().path("grantsRemaining").asLong()).isEqualTo(1);
		assertThat(opened.body().path("used").asLong()).isEqualTo(2);
		assertThat(checkedTooMuch.path("allowed").asBoolean()).isFalse();
		assertThat(checkedTooMuch.path("code").asString()).isEqualTo("quota_exceeded");
		assertThat(checkedTooMuch.path("grantsRemaining").asLong()).isEqualTo(1);
		assertSoftly(limits -> {
			limits.assertThat(opened.body().path("limit").asLong(-1)).as(opened.toString()).isZero();
			limits.assertThat(checked.path("limit").asLong(-1)).as(checked.toString()).isZero();
			limits.assertThat(checkedTooMuch.path("limit").asLong(-1)).as(checkedTooMuch.toString()).isZero();
			limits.assertThat(tooMuch.body().path("limit").asLong(-1)).as(tooMuch.toString()).isZero();
		});
		assertThat(tooMuch.status()).as(tooMuch.toString()).isEqualTo(402);
		assertThat(tooMuch.code()).isEqualTo("quota_exceeded");
		assertThat(tooMuch.body().path("grantsRemaining").asLong()).isEqualTo(1);
		assertThat(tooMuch.body().path("detail").asString()).doesNotContain("null");
		var view = quota(customer);
		assertThat(view.path("used").asLong()).isEqualTo(2);
		assertThat(view.path("limit").asLong()).isZero();
		assertThat(view.path("overage").asLong()).isZero();
		assertThat(view.path("grants").path("drawnThisPeriod").asLong()).isEqualTo(2);
	}

	@Test
	void aGrantExpiringInTheMovedClocksPastIsRefused() {
		// given: the server's clock is in 2027, the caller's expiry before it
		var customer = customerWithAllowance(10);

		// when
		var response = api.post("/v1/customers/" + customer + "/grants",
				"{\"feature\":\"api_calls\",\"amount\":5,\"expiresAt\":\"2027-04-10T23:59:59Z\"}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(422);
		assertThat(response.code()).isEqualTo("invalid_grant");
		assertThat(response.body().path("errors").findValuesAsString("field")).containsExactly("expiresAt");
		assertThat(api.get("/v1/customers/" + customer + "/grants").body().path("data").isEmpty()).isTrue();
	}

}

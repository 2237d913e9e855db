package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Grants over HTTP: an extra amount of a quota, drawn by consumes only once the plan's
 * allowance is spent, soonest-expiring first, and reported apart in the usage view.
 */
class GrantsApiTest extends ServerTest {

	private String customerWithAllowance(long limit) {
		var customer = newCustomer("grants");
		GrantCalls.allow(api, customer, limit);
		return customer;
	}

	private JsonNode grant(String customer, long amount, String extra) {
		return GrantCalls.grant(api, customer, amount, extra);
	}

	private Api.Response consume(String customer, long amount) {
		return consume(customer, amount, UUID.randomUUID().toString());
	}

	private Api.Response consume(String customer, long amount, String key) {
		return GrantCalls.consume(api, customer, amount, key);
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

	@Test
	void aGrantIsDrawnOnlyOnceThePlansAllowanceIsSpent() {
		// given
		var customer = customerWithAllowance(10);
		var created = grant(customer, 5, ",\"reason\":\"emergency pool\"");

		// when
		var withinAllowance = consume(customer, 10);
		var straddling = consume(customer, 3);
		var rest = consume(customer, 2);
		var beyond = consume(customer, 1);

		// then
		assertThat(created.path("remaining").asLong()).isEqualTo(5);
		assertThat(created.path("status").asString()).isEqualTo("active");
		assertThat(withinAllowance.status()).isEqualTo(200);
		assertThat(withinAllowance.body().has("fromGrants")).isFalse();
		assertThat(straddling.status()).as(straddling.toString()).isEqualTo(200);
		assertThat(straddling.body().path("fromGrants").asLong()).isEqualTo(3);
		assertThat(straddling.body().path("grantsRemaining").asLong()).isEqualTo(2);
		assertThat(rest.body().path("grantsRemaining").asLong()).isZero();
		assertThat(beyond.status()).as(beyond.toString()).isEqualTo(402);
		assertThat(beyond.code()).isEqualTo("quota_exceeded");
		var view = quota(customer);
		assertThat(view.path("used").asLong()).isEqualTo(15);
		assertThat(view.path("limit").asLong()).isEqualTo(10);
		assertThat(view.path("overage").asLong()).isZero();
		assertThat(view.path("grants").path("drawnThisPeriod").asLong()).isEqualTo(5);
		assertThat(view.path("grants").path("remaining").asLong()).isZero();
		var after = api.get("/v1/customers/" + customer + "/grants/" + created.path("id").asString()).body();
		assertThat(after.path("remaining").asLong()).isZero();
		assertThat(after.path("drawn").asLong()).isEqualTo(5);
		assertThat(after.path("status").asString()).isEqualTo("spent");
	}

	@Test
	void checkCountsGrantsAndChangesNothing() {
		// given
		var customer = customerWithAllowance(2);
		grant(customer, 3, "");
		consume(customer, 2);

		// when
		var allowed = api.post("/v1/check",
				"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":3}".formatted(customer));
		var refused = api.post("/v1/check",
				"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":4}".formatted(customer));

		// then
		assertThat(allowed.body().path("allowed").asBoolean()).as(allowed.toString()).isTrue();
		assertThat(allowed.body().path("fromGrants").asLong()).isEqualTo(3);
		assertThat(refused.body().path("allowed").asBoolean()).isFalse();
		assertThat(refused.body().path("grantsRemaining").asLong()).isEqualTo(3);
		assertThat(quota(customer).path("grants").path("remaining").asLong()).isEqualTo(3);
	}

	@Test
	void theSoonestExpiringGrantIsDrawnFirstAndARepeatedKeyGetsTheFirstAnswer() {
		// given
		var customer = customerWithAllowance(0);
		var later = grant(customer, 5, ",\"expiresAt\":\"2999-01-01T00:00:00Z\"");
		var sooner = grant(customer, 2, ",\"expiresAt\":\"2998-01-01T00:00:00Z\"");
		var never = grant(customer, 5, "");

		// when
		var first = consume(customer, 4, "draw-1");
		var repeat = consume(customer, 4, "draw-1");

		// then
		assertThat(first.body().path("fromGrants").asLong()).isEqualTo(4);
		assertThat(first.body().path("grantsRemaining").asLong()).isEqualTo(8);
		assertThat(repeat.body().path("duplicate").asBoolean()).isTrue();
		assertThat(repeat.body().path("fromGrants").asLong()).isEqualTo(4);
		assertThat(repeat.body().path("grantsRemaining").asLong()).isEqualTo(8);
		assertThat(remaining(customer, sooner)).isZero();
		assertThat(remaining(customer, later)).isEqualTo(3);
		assertThat(remaining(customer, never)).isEqualTo(5);
	}

	@Test
	void aNewGrantIsActiveAndReadListedNewestFirstAndFilteredByFeature() {
		// given
		var customer = customerWithAllowance(10);
		var first = grant(customer, 5, ",\"reason\":\"first\"");
		var second = grant(customer, 7, ",\"expiresAt\":\"2999-01-01T00:00:00Z\"");

		// when
		var read = api.get("/v1/customers/" + customer + "/grants/" + first.path("id").asString());
		var all = api.get("/v1/customers/" + customer + "/grants");
		var ofApiCalls = api.get("/v1/customers/" + customer + "/grants?feature=api_calls");
		var ofSeats = api.get("/v1/customers/" + customer + "/grants?feature=seats");

		// then
		assertThat(read.status()).as(read.toString()).isEqualTo(200);
		assertThat(read.body()).isEqualTo(first);
		assertThat(first.path("customerId").asString()).isEqualTo(customer);
		assertThat(first.path("feature").asString()).isEqualTo("api_calls");
		assertThat(first.path("amount").asLong()).isEqualTo(5);
		assertThat(first.path("remaining").asLong()).isEqualTo(5);
		assertThat(first.path("drawn").asLong()).isZero();
		assertThat(first.path("status").asString()).isEqualTo("active");
		assertThat(first.path("reason").asString()).isEqualTo("first");
		assertThat(first.path("createdBy").asString()).matches("api_key:pg_sk_[0-9A-Za-z]{6}");
		assertThat(Instant.parse(first.path("startsAt").asString()))
			.isEqualTo(Instant.parse(first.path("createdAt").asString()));
		assertThat(first.has("expiresAt")).as(first.toString()).isFalse();
		assertThat(first.has("revokedAt")).as(first.toString()).isFalse();
		assertThat(Instant.parse(second.path("expiresAt").asString())).isEqualTo(Instant.parse("2999-01-01T00:00:00Z"));
		assertThat(ids(all)).containsExactly(second.path("id").asString(), first.path("id").asString());
		assertThat(ids(ofApiCalls)).containsExactly(second.path("id").asString(), first.path("id").asString());
		assertThat(ofSeats.status()).isEqualTo(200);
		assertThat(ofSeats.body().path("data").isEmpty()).as(ofSeats.toString()).isTrue();
	}

	@Test
	void aGrantStartingLaterIsScheduledAndNotYetCounted() {
		// given
		var customer = customerWithAllowance(1);
		var startsAt = Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);

		// when
		var scheduled = grant(customer, 5, ",\"startsAt\":\"" + startsAt + "\"");

		// then
		assertThat(scheduled.path("status").asString()).isEqualTo("scheduled");
		assertThat(Instant.parse(scheduled.path("startsAt").asString())).isEqualTo(startsAt);
		assertThat(consume(customer, 1).status()).isEqualTo(200);
		var refused = consume(customer, 1);
		assertThat(refused.status()).as(refused.toString()).isEqualTo(402);
		assertThat(refused.code()).isEqualTo("quota_exceeded");
		assertThat(quota(customer).has("grants")).as(quota(customer).toString()).isFalse();
		assertThat(remaining(customer, scheduled)).isEqualTo(5);
	}

	@Test
	void creatingAndRevokingAGrantAreAuditedWithTheCallingKey() {
		// given
		var customer = customerWithAllowance(10);
		var created = grant(customer, 5, ",\"reason\":\"audited\"");
		var revoked = api.delete("/v1/customers/" + customer + "/grants/" + created.path("id").asString());
		assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);

		// when
		var response = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + customer);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var events = response.body()
			.path("data")
			.valueStream()
			.filter(e -> e.path("action").asString().startsWith("grant."))
			.toList();
		assertThat(events.stream().map(e -> e.path("action").asString())).containsExactly("grant.revoked",
				"grant.created");
		assertThat(events).allSatisfy(e -> {
			assertThat(e.path("actor").asString()).matches("api_key:pg_sk_[0-9A-Za-z]{6}");
			assertThat(e.path("targetType").asString()).isEqualTo("customer");
			assertThat(e.path("targetId").asString()).isEqualTo(customer);
		});
		var creation = events.get(1);
		assertThat(creation.path("before").isMissingNode() || creation.path("before").isNull()).isTrue();
		assertThat(creation.path("after").path("id").asString()).isEqualTo(created.path("id").asString());
		assertThat(creation.path("after").path("amount").asLong()).isEqualTo(5);
		assertThat(creation.path("after").path("reason").asString()).isEqualTo("audited");
		var revocation = events.get(0);
		assertThat(revocation.path("before").path("revokedAt").isMissingNode()
				|| revocation.path("before").path("revokedAt").isNull())
			.as(revocation.toString())
			.isTrue();
		assertThat(Instant.parse(revocation.path("after").path("revokedAt").asString()))
			.isEqualTo(Instant.parse(revoked.body().path("revokedAt").asString()));
	}

	@Test
	void aRevokedGrantIsNoLongerDrawnAndWhatWasDrawnStaysCounted() {
		// given
		var customer = customerWithAllowance(10);
		var created = grant(customer, 5, "");
		consume(customer, 10);
		assertThat(consume(customer, 2).body().path("fromGrants").asLong()).isEqualTo(2);

		// when
		var revoked = api.delete("/v1/customers/" + customer + "/grants/" + created.path("id").asString());
		var after = consume(customer, 1);

		// then
		assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
		assertThat(revoked.body().path("status").asString()).isEqualTo("revoked");
		assertThat(revoked.body().path("remaining").asLong()).isEqualTo(3);
		assertThat(revoked.body().path("drawn").asLong()).isEqualTo(2);
		assertThat(revoked.body().path("revokedAt").isString()).as(revoked.toString()).isTrue();
		assertThat(after.status()).as(after.toString()).isEqualTo(402);
		assertThat(after.code()).isEqualTo("quota_exceeded");
		assertThat(after.body().has("grantsRemaining")).as(after.toString()).isFalse();
		var view = quota(customer);
		assertThat(view.path("used").asLong()).isEqualTo(12);
		assertThat(view.path("overage").asLong()).isZero();
		assertThat(view.path("grants").path("drawnThisPeriod").asLong()).isEqualTo(2);
		assertThat(view.path("grants").path("remaining").asLong()).isZero();
		assertThat(view.path("grants").path("granted").asLong()).isZero();
		assertThat(view.path("grants").path("active").isEmpty()).isTrue();
		var read = api.get("/v1/customers/" + customer + "/grants/" + created.path("id").asString()).body();
		assertThat(read).isEqualTo(revoked.body());
	}

	@Test
	void aConsumeBeyondWhatTheGrantsHoldIsRefusedWholeAndDrawsNothing() {
		// given
		var customer = customerWithAllowance(10);
		var created = grant(customer, 5, "");
		consume(customer, 8);

		// when
		var refused = consume(customer, 8);

		// then
		assertThat(refused.status()).as(refused.toString()).isEqualTo(402);
		assertThat(refused.code()).isEqualTo("quota_exceeded");
		assertThat(refused.body().path("used").asLong()).isEqualTo(8);
		assertThat(refused.body().path("grantsRemaining").asLong()).isEqualTo(5);
		assertThat(refused.body().path("detail").asString()).contains("5 left in its grants");
		assertThat(remaining(customer, created)).isEqualTo(5);
		assertThat(quota(customer).path("used").asLong()).isEqualTo(8);
		assertThat(quota(customer).path("grants").path("drawnThisPeriod").asLong()).isZero();
	}

	@Test
	void aQuotaThePlanLeavesAtZeroIsOpenedByGrantsUntilTheyAreSpent() {
		// given
		var customer = customerWithAllowance(0);
		var closed = consume(customer, 1);
		grant(customer, 3, "");

		// when
		var checked = api.post("/v1/check",
				"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":3}".formatted(customer));
		var opened = consume(customer, 2);
		var tooMuch = consume(customer, 2);
		var last = consume(customer, 1);
		var closedAgain = consume(customer, 1);

		// then
		assertThat(closed.status()).as(closed.toString()).isEqualTo(402);
		assertThat(closed.code()).isEqualTo("feature_not_in_plan");
		assertThat(checked.body().path("allowed").asBoolean()).as(checked.toString()).isTrue();
		assertThat(checked.body().path("fromGrants").asLong()).isEqualTo(3);
		assertThat(opened.status()).as(opened.toString()).isEqualTo(200);
		assertThat(opened.body().path("fromGrants").asLong()).isEqualTo(2);
		assertThat(opened.body().path("grantsRemaining").asLong()).isEqualTo(1);
		assertThat(tooMuch.status()).as(tooMuch.toString()).isEqualTo(402);
		assertThat(tooMuch.code()).isEqualTo("quota_exceeded");
		assertThat(tooMuch.body().path("grantsRemaining").asLong()).isEqualTo(1);
		assertThat(last.status()).as(last.toString()).isEqualTo(200);
		assertThat(last.body().path("grantsRemaining").asLong()).isZero();
		assertThat(closedAgain.status()).as(closedAgain.toString()).isEqualTo(402);
		assertThat(closedAgain.code()).isEqualTo("feature_not_in_plan");
		var view = quota(customer);
		assertThat(view.path("used").asLong()).isEqualTo(3);
		assertThat(view.path("limit").asLong()).isZero();
		assertThat(view.path("overage").asLong()).isZero();
		assertThat(view.path("grants").path("drawnThisPeriod").asLong()).isEqualTo(3);
	}

	@Test
	void grantsDoNotOpenAQuotaToASuspendedCustomer() {
		// given
		var customer = customerWithAllowance(0);
		var created = grant(customer, 3, "");
		assertThat(api.post("/v1/customers/" + customer + "/suspend", null).status()).isEqualTo(200);

		// when
		var refused = consume(customer, 1);

		// then
		assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
		assertThat(refused.code()).isEqualTo("customer_suspended");
		assertThat(remaining(customer, created)).isEqualTo(3);
	}

	@Test
	void usageRecordedBeyondTheAllowanceDrawsNothingFromGrantsAndShowsAsOverage() {
		// given
		var customer = customerWithAllowance(10);
		var created = grant(customer, 5, "");

		// when
		var recorded = api.post("/v1/usage-events",
				"{\"events\":[" + Api
					.json(Map.of("id", "late-report", "customerId", customer, "feature", "api_calls", "amount", 13))
						+ "]}");

		// then
		assertThat(recorded.status()).as(recorded.toString()).isEqualTo(200);
		var view = quota(customer);
		assertThat(view.path("used").asLong()).isEqualTo(13);
		assertThat(view.path("remaining").asLong()).isZero();
		assertThat(view.path("overage").asLong()).isEqualTo(3);
		assertThat(view.path("grants").path("granted").asLong()).isEqualTo(5);
		assertThat(view.path("grants").path("remaining").asLong()).isEqualTo(5);
		assertThat(view.path("grants").path("drawnThisPeriod").asLong()).isZero();
		assertThat(remaining(customer, created)).isEqualTo(5);

		// when: a consume once the allowance is overrun draws all of its amount from
		// grants
		var drawing = consume(customer, 2);

		// then: the overage stays what the recorded usage made it
		assertThat(drawing.status()).as(drawing.toString()).isEqualTo(200);
		assertThat(drawing.body().path("fromGrants").asLong()).isEqualTo(2);
		assertThat(drawing.body().path("grantsRemaining").asLong()).isEqualTo(3);
		var after = quota(customer);
		assertThat(after.path("used").asLong()).isEqualTo(15);
		assertThat(after.path("overage").asLong()).isEqualTo(3);
		assertThat(after.path("grants").path("drawnThisPeriod").asLong()).isEqualTo(2);
		assertThat(after.path("grants").path("remaining").asLong()).isEqualTo(3);
	}

	@Test
	void anUnlimitedQuotaNeverDrawsOnGrants() {
		// given: on enterprise, where api_calls are unlimited
		var customer = newCustomer("grants-unlimited");
		var plan = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\":\"enterprise\"}");
		assertThat(plan.status()).as(plan.toString()).isEqualTo(200);
		var created = grant(customer, 5, "");

		// when
		var consumed = consume(customer, 5000);

		// then
		assertThat(consumed.status()).as(consumed.toString()).isEqualTo(200);
		assertThat(consumed.body().has("fromGrants")).as(consumed.toString()).isFalse();
		assertThat(consumed.body().has("grantsRemaining")).as(consumed.toString()).isFalse();
		assertThat(remaining(customer, created)).isEqualTo(5);
		var view = quota(customer);
		assertThat(view.has("overage")).as(view.toString()).isFalse();
		assertThat(view.path("grants").path("drawnThisPeriod").asLong()).isZero();
		assertThat(view.path("grants").path("remaining").asLong()).isEqualTo(5);
	}

	@Test
	void usageWithinTheAllowanceShowsNoOverageAndNoGrantsWhenThereAreNone() {
		// given
		var customer = customerWithAllowance(10);

		// when
		consume(customer, 4);

		// then
		var view = quota(customer);
		assertThat(view.path("overage").asLong()).isZero();
		assertThat(view.has("grants")).as(view.toString()).isFalse();
	}

	private static List<String> ids(Api.Response response) {
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data").valueStream().map(g -> g.path("id").asString()).toList();
	}

	private long remaining(String customer, JsonNode grant) {
		return api.get("/v1/customers/" + customer + "/grants/" + grant.path("id").asString())
			.body()
			.path("remaining")
			.asLong();
	}

	@Test
	void aRepeatedConsumeOnAQuotaOpenedByGrantsGetsItsFirstAnswerOnceTheGrantsAreSpent() {
		// given: the plan leaves the quota at 0; a grant of 2 opens it
		var customer = customerWithAllowance(0);
		grant(customer, 2, "");
		var first = consume(customer, 2, "spend-all");

		// when
		var repeat = consume(customer, 2, "spend-all");
		var next = consume(customer, 1);

		// then
		assertThat(first.status()).as(first.toString()).isEqualTo(200);
		assertThat(repeat.status()).as(repeat.toString()).isEqualTo(200);
		assertThat(repeat.body().path("duplicate").asBoolean()).isTrue();
		assertThat(repeat.body().path("fromGrants").asLong()).isEqualTo(2);
		assertThat(next.status()).as(next.toString()).isEqualTo(402);
		assertThat(next.code()).isEqualTo("feature_not_in_plan");
	}

}

package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

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
		var response = api.put("/v1/customers/" + customer + "/overrides/api_calls", "{\"value\":" + limit + "}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return customer;
	}

	private JsonNode grant(String customer, long amount, String extra) {
		var response = api.post("/v1/customers/" + customer + "/grants",
				"{\"feature\":\"api_calls\",\"amount\":" + amount + extra + "}");
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.body();
	}

	private Api.Response consume(String customer, long amount) {
		return consume(customer, amount, UUID.randomUUID().toString());
	}

	private Api.Response consume(String customer, long amount, String key) {
		return api.post("/v1/consume",
				"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":%d,\"idempotencyKey\":\"%s\"}"
					.formatted(customer, amount, key));
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

	private long remaining(String customer, JsonNode grant) {
		return api.get("/v1/customers/" + customer + "/grants/" + grant.path("id").asString())
			.body()
			.path("remaining")
			.asLong();
	}

}

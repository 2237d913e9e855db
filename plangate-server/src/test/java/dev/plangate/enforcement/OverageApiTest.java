package dev.plangate.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import dev.plangate.support.Api;
import dev.plangate.support.Race;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * A quota with an overage price is a soft limit: consumes beyond the allowance and the
 * grants are admitted as overage up to the cap, on one node and on two nodes sharing the
 * database, and never past it.
 */
class OverageApiTest extends ServerTest {

	/** Another node of the same cluster, on the same database. */
	private static final SecondNode secondNode = new SecondNode();

	@Autowired
	private Environment environment;

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	/**
	 * A customer allowed {@code limit} api_calls a month, with overage at 2 cents a call
	 * up to {@code cap} calls a period.
	 */
	private String customerWithOverage(long limit, long cap) {
		var customer = newCustomer("overage");
		var response = api.put("/v1/customers/" + customer + "/overrides/api_calls",
				"{\"value\":{\"limit\":" + limit + ",\"overage\":{\"price\":2,\"cap\":" + cap + "}}}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return customer;
	}

	private static Api.Response consume(Api node, String customer, long amount) {
		return node.post("/v1/consume", Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount",
				amount, "idempotencyKey", UUID.randomUUID().toString())));
	}

	private Api.Response check(String customer, long amount) {
		return api.post("/v1/check",
				Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount", amount)));
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
	void consumeBeyondTheAllowanceIsAdmittedAsOverageAndShownWithItsCost() {
		// given
		var customer = customerWithOverage(10, 5);
		var within = consume(api, customer, 10);

		// when
		var beyond = consume(api, customer, 3);

		// then
		assertThat(within.status()).as(within.toString()).isEqualTo(200);
		assertThat(within.body().path("overage").isBoolean()).isTrue();
		assertThat(within.body().path("overage").asBoolean()).isFalse();
		assertThat(within.body().has("overageUnits")).isFalse();
		assertThat(beyond.status()).as(beyond.toString()).isEqualTo(200);
		assertThat(beyond.body().path("overage").asBoolean()).isTrue();
		assertThat(beyond.body().path("overageUnits").asLong()).isEqualTo(3);
		assertThat(beyond.body().path("overageCap").asLong()).isEqualTo(5);
		assertThat(beyond.body().path("used").asLong()).isEqualTo(13);
		var view = quota(customer);
		assertThat(view.path("overageBilled").asLong()).isEqualTo(3);
		assertThat(view.path("overageCost").asLong()).isEqualTo(6);
		assertThat(view.path("currency").asString()).isEqualTo("USD");
		assertThat(view.path("overageCap").asLong()).isEqualTo(5);
	}

	@Test
	void consumePastTheOverageCapIsRefusedNamingTheCapAndCheckAgrees() {
		// given: 10 of the allowance and 3 of the cap of 5 used
		var customer = customerWithOverage(10, 5);
		assertThat(consume(api, customer, 13).status()).isEqualTo(200);

		// when
		var checkWithin = check(customer, 2);
		var checkPast = check(customer, 3);
		var past = consume(api, customer, 3);
		var last = consume(api, customer, 2);

		// then
		assertThat(checkWithin.body().path("allowed").asBoolean()).as(checkWithin.toString()).isTrue();
		assertThat(checkWithin.body().path("overage").asBoolean()).isTrue();
		assertThat(checkWithin.body().path("overageUnits").asLong()).isEqualTo(2);
		assertThat(checkPast.body().path("allowed").asBoolean()).as(checkPast.toString()).isFalse();
		assertThat(checkPast.body().path("overageCap").asLong()).isEqualTo(5);
		assertThat(past.status()).as(past.toString()).isEqualTo(402);
		assertThat(past.code()).isEqualTo("quota_exceeded");
		assertThat(past.body().path("detail").asString()).contains("overage cap of 5");
		assertThat(past.body().path("overageCap").asLong()).isEqualTo(5);
		assertThat(last.status()).as(last.toString()).isEqualTo(200);
		assertThat(last.body().path("overageUnits").asLong()).isEqualTo(2);
		assertThat(quota(customer).path("overageBilled").asLong()).isEqualTo(5);
	}

	@Test
	void aZeroLimitWithOverageIsPayAsYouGo() {
		// given
		var customer = newCustomer("payg");
		var override = api.put("/v1/customers/" + customer + "/overrides/api_calls",
				"{\"value\":{\"limit\":0,\"overage\":{\"price\":5}}}");
		assertThat(override.status()).as(override.toString()).isEqualTo(200);

		// when
		var checked = check(customer, 4);
		var consumed = consume(api, customer, 4);

		// then
		assertThat(checked.body().path("allowed").asBoolean()).as(checked.toString()).isTrue();
		assertThat(checked.body().path("overageUnits").asLong()).isEqualTo(4);
		assertThat(consumed.status()).as(consumed.toString()).isEqualTo(200);
		assertThat(consumed.body().path("overageUnits").asLong()).isEqualTo(4);
		assertThat(consumed.body().has("overageCap")).isFalse();
		assertThat(quota(customer).path("overageCost").asLong()).isEqualTo(20);
	}

	@Test
	void grantsAreDrawnBeforeOverage() {
		// given: an allowance of 2 and a grant of 3
		var customer = customerWithOverage(2, 100);
		var grant = api.post("/v1/customers/" + customer + "/grants", "{\"feature\":\"api_calls\",\"amount\":3}");
		assertThat(grant.status()).as(grant.toString()).isEqualTo(201);

		// when
		var first = consume(api, customer, 4);
		var second = consume(api, customer, 4);

		// then
		assertThat(first.body().path("fromGrants").asLong()).as(first.toString()).isEqualTo(2);
		assertThat(first.body().path("overage").asBoolean()).isFalse();
		assertThat(second.body().path("fromGrants").asLong()).as(second.toString()).isEqualTo(1);
		assertThat(second.body().path("overageUnits").asLong()).isEqualTo(3);
		assertThat(quota(customer).path("overageBilled").asLong()).isEqualTo(3);
	}

	@Test
	void usageRecordedThroughUsageEventsIsNotBilledAsOverage() {
		// given
		var customer = customerWithOverage(2, 100);

		// when
		var recorded = api.post("/v1/usage-events", "{\"events\":["
				+ Api.json(Map.of("id", "e1", "customerId", customer, "feature", "api_calls", "amount", 7)) + "]}");

		// then
		assertThat(recorded.status()).as(recorded.toString()).isBetween(200, 202);
		var view = quota(customer);
		assertThat(view.path("used").asLong()).isEqualTo(7);
		assertThat(view.path("overage").asLong()).isEqualTo(5);
		assertThat(view.path("overageBilled").asLong()).isZero();
		assertThat(view.path("overageCost").asLong()).isZero();
	}

	@Test
	void repeatedConsumeAnswersItsFirstOverage() {
		// given
		var customer = customerWithOverage(1, 10);
		var body = Api
			.json(Map.of("customerId", customer, "feature", "api_calls", "amount", 4, "idempotencyKey", "k1"));
		var first = api.post("/v1/consume", body);

		// when
		var again = api.post("/v1/consume", body);

		// then
		assertThat(again.body().path("duplicate").asBoolean()).as(again.toString()).isTrue();
		assertThat(again.body().path("overageUnits").asLong()).isEqualTo(first.body().path("overageUnits").asLong())
			.isEqualTo(3);
		assertThat(quota(customer).path("overageBilled").asLong()).isEqualTo(3);
	}

	@Test
	void hundredConsumesAtOnceOnOneNodeNeverPassTheCap() throws Exception {
		// given
		var customer = customerWithOverage(10, 20);

		// when
		var responses = Race.times(100, () -> consume(api, customer, 1));

		// then
		assertExactlyAllowanceAndCapAdmitted(customer, responses);
	}

	@Test
	void hundredConsumesSplitAcrossTwoNodesNeverPassTheCap() throws Exception {
		// given
		var customer = customerWithOverage(10, 20);
		var nodes = List.of(api, secondNode.startLike(environment).api(api.key()));
		var tasks = new ArrayList<Callable<Api.Response>>();
		for (int i = 0; i < 100; i++) {
			var node = nodes.get(i % 2);
			tasks.add(() -> consume(node, customer, 1));
		}

		// when
		var responses = Race.run(tasks);

		// then
		assertExactlyAllowanceAndCapAdmitted(customer, responses);
	}

	private void assertExactlyAllowanceAndCapAdmitted(String customer, List<Api.Response> responses) {
		assertThat(responses).filteredOn(r -> r.status() == 200).hasSize(30);
		assertThat(responses).filteredOn(r -> r.status() == 402).hasSize(70);
		assertThat(responses.stream()
			.filter(r -> r.status() == 200)
			.mapToLong(r -> r.body().path("overageUnits").asLong(0))
			.sum()).isEqualTo(20);
		var view = quota(customer);
		assertThat(view.path("used").asLong()).isEqualTo(30);
		assertThat(view.path("overageBilled").asLong()).isEqualTo(20);
		assertThat(view.path("overageCost").asLong()).isEqualTo(40);
	}

}

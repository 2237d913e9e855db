package dev.plangate.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;

import dev.plangate.subscription.SubscriptionService;
import dev.plangate.support.Api;
import dev.plangate.support.Api.Response;
import dev.plangate.support.SecondNode;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Each node keeps a copy of the customers' states that decisions read and checks its
 * version per decision: a suspension, an override or a plan change made on one node
 * counts from the next decision on the other, with no wait and no message between them.
 */
class CustomerStateAcrossNodesTest extends ServerTest {

	private static final SecondNode secondNode = new SecondNode();

	@Autowired
	private Environment environment;

	@Autowired
	private SubscriptionService subscriptions;

	@AfterAll
	static void stopSecondNode() {
		secondNode.stop();
	}

	private Api otherNode() {
		return secondNode.startLike(environment).api(api.key());
	}

	private static JsonNode check(Api node, String customer, String feature) {
		var response = node.post("/v1/check",
				"{\"customerId\":\"%s\",\"feature\":\"%s\"}".formatted(customer, feature));
		assertThat(response.status()).as(response.text()).isEqualTo(200);
		return response.body();
	}

	@Test
	void aSuspensionOnOneNodeRefusesTheOthersNextDecisionAndReactivationAllowsIt() {
		// given: this node has decided for the customer, so it holds a copy of its state
		var customer = newCustomer("state-suspend");
		var other = otherNode();
		for (int round = 0; round < 5; round++) {
			assertThat(check(api, customer, "api_access").path("allowed").asBoolean()).isTrue();

			// when
			assertThat(other.post("/v1/customers/" + customer + "/suspend", null).status()).isEqualTo(200);
			var suspended = check(api, customer, "api_access");
			var suspendedQuota = check(api, customer, "api_calls");
			assertThat(other.post("/v1/customers/" + customer + "/activate", null).status()).isEqualTo(200);
			var active = check(api, customer, "api_access");

			// then
			assertThat(suspended.path("allowed").asBoolean()).isFalse();
			assertThat(suspended.path("code").asString()).isEqualTo("customer_suspended");
			assertThat(suspendedQuota.path("code").asString()).isEqualTo("customer_suspended");
			assertThat(active.path("allowed").asBoolean()).as("round %d", round).isTrue();
		}
	}

	@Test
	void anOverrideAndAPlanChangeOnOneNodeCountFromTheOthersNextDecision() {
		// given
		var customer = newCustomer("state-override");
		var other = otherNode();
		assertThat(check(api, customer, "sso").path("allowed").asBoolean()).isFalse();
		assertThat(check(api, customer, "api_calls").path("limit").asLong()).isEqualTo(1000);

		// when
		assertThat(other.put("/v1/customers/" + customer + "/overrides/sso", "{\"value\": true}").status())
			.isEqualTo(200);
		var overridden = check(api, customer, "sso");
		assertThat(other.post("/v1/customers/" + customer + "/subscription", "{\"plan\": \"pro\"}").status())
			.isEqualTo(200);
		var upgraded = check(api, customer, "api_calls");
		assertThat(other.delete("/v1/customers/" + customer + "/overrides/sso").status()).isIn(200, 204);
		var removed = check(api, customer, "sso");

		// then
		assertThat(overridden.path("allowed").asBoolean()).isTrue();
		assertThat(upgraded.path("limit").asLong()).isEqualTo(100_000);
		assertThat(removed.path("allowed").asBoolean()).isFalse();
		assertThat(removed.path("code").asString()).isEqualTo("feature_not_in_plan");
	}

	@Test
	void aConsumeOnOneNodeCountsInTheOthersNextCheckReadWithTheVersion() {
		// given: this node keeps a copy of the customer's state
		var customer = newCustomer("state-usage");
		var other = otherNode();
		assertThat(check(api, customer, "api_calls").path("used").asLong()).isZero();

		// when
		var consumed = other.post("/v1/consume",
				"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":7,\"idempotencyKey\":\"usage-1\"}"
					.formatted(customer));
		var afterConsume = check(api, customer, "api_calls");
		assertThat(other.post("/v1/customers/" + customer + "/suspend", null).status()).isEqualTo(200);
		var afterSuspension = check(api, customer, "api_calls");

		// then
		assertThat(consumed.status()).as(consumed.text()).isEqualTo(200);
		assertThat(afterConsume.path("used").asLong()).isEqualTo(7);
		assertThat(afterConsume.path("remaining").asLong()).isEqualTo(993);
		assertThat(afterSuspension.path("code").asString()).isEqualTo("customer_suspended");
	}

	private static Response consume(Api node, String customer, String key) {
		return node.post("/v1/consume",
				"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"idempotencyKey\":\"%s\"}".formatted(customer, key));
	}

	@Test
	void aConsumeDecidedOnAStaleCopyIsDecidedAgainOnTheStateAsItIs() {
		// given: this node has consumed for the customer, so it holds a copy of its state
		var customer = newCustomer("state-consume");
		var other = otherNode();
		assertThat(consume(api, customer, "first").status()).isEqualTo(200);

		// when
		assertThat(other.post("/v1/customers/" + customer + "/suspend", null).status()).isEqualTo(200);
		var whileSuspended = consume(api, customer, "while-suspended");
		assertThat(other.post("/v1/customers/" + customer + "/activate", null).status()).isEqualTo(200);
		assertThat(other.put("/v1/customers/" + customer + "/overrides/api_calls", "{\"value\": 2}").status())
			.isEqualTo(200);
		var second = consume(api, customer, "second");
		var third = consume(api, customer, "third");

		// then
		assertThat(whileSuspended.status()).isEqualTo(403);
		assertThat(whileSuspended.body().path("code").asString()).isEqualTo("customer_suspended");
		assertThat(second.status()).as(second.text()).isEqualTo(200);
		assertThat(second.body().path("used").asLong()).as("nothing recorded while suspended").isEqualTo(2);
		assertThat(third.status()).isEqualTo(402);
		assertThat(third.body().path("code").asString()).isEqualTo("quota_exceeded");
		assertThat(third.body().path("limit").asLong()).isEqualTo(2);
	}

	@Test
	void aCopyServesWhileTheVersionStaysAndIsReadAgainOnceItMoves() {
		// given
		var customer = newCustomer("state-copy");

		// when
		var first = subscriptions.decisionState(customer);
		var again = subscriptions.decisionState(customer);
		assertThat(otherNode().put("/v1/customers/" + customer, "{\"name\":\"Renamed\"}").status()).isEqualTo(200);
		var afterChange = subscriptions.decisionState(customer);

		// then
		assertThat(again).as("the copy, not a new read").isSameAs(first);
		assertThat(afterChange).isNotSameAs(first);
		assertThat(afterChange.version()).isGreaterThan(first.version());
		assertThat(afterChange.customer().name()).isEqualTo("Renamed");
	}

}

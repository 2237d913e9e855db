package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;

class IdempotencyTest extends ServerTest {

	private Api.Response post(Api client, String path, String body, String key) {
		return client.send("POST", path, body, Map.of("Idempotency-Key", key));
	}

	private long planChanges(String customer) {
		return api.get("/v1/customers/" + customer + "/subscription/history")
			.body()
			.path("data")
			.valueStream()
			.filter(c -> c.path("action").asString().equals("plan_changed"))
			.count();
	}

	@Test
	void repeatedRequestWithTheSameKeyIsHandledOnceAndAnsweredTheSame() {
		var customer = newCustomer("idem");
		var key = UUID.randomUUID().toString();

		var first = post(api, "/v1/customers/" + customer + "/subscription", "{\"plan\":\"enterprise\"}", key);
		var again = post(api, "/v1/customers/" + customer + "/subscription", "{\"plan\":\"enterprise\"}", key);

		assertThat(first.status()).isEqualTo(200);
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.text()).isEqualTo(first.text());
		assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
		assertThat(first.header("Idempotent-Replayed")).isNull();
		assertThat(planChanges(customer)).isEqualTo(1);
	}

	@Test
	void sameKeyWithAnotherRequestIsRefusedAndChangesNothing() {
		var customer = newCustomer("idem-reuse");
		var key = UUID.randomUUID().toString();
		post(api, "/v1/customers/" + customer + "/subscription", "{\"plan\":\"enterprise\"}", key);

		var other = post(api, "/v1/customers/" + customer + "/subscription", "{\"plan\":\"pro\"}", key);

		assertThat(other.status()).isEqualTo(422);
		assertThat(other.code()).isEqualTo("idempotency_key_reused");
		assertThat(api.get("/v1/customers/" + customer + "/subscription").body().path("plan").path("key").asString())
			.isEqualTo("enterprise");
	}

	@Test
	void refusalsAreReplayedToo() {
		var customer = newCustomer("idem-refused");
		var key = UUID.randomUUID().toString();

		var first = post(api, "/v1/customers/" + customer + "/subscription", "{\"plan\":\"platinum\"}", key);
		var again = post(api, "/v1/customers/" + customer + "/subscription", "{\"plan\":\"platinum\"}", key);

		assertThat(first.status()).isEqualTo(422);
		assertThat(again.status()).isEqualTo(422);
		assertThat(again.code()).isEqualTo("unknown_plan");
		assertThat(again.header("Idempotent-Replayed")).isEqualTo("true");
	}

	@Test
	void keysBelongToTheirCaller() {
		var customer = newCustomer("idem-callers");
		var key = UUID.randomUUID().toString();
		var otherCaller = api.withKey(apiKeys.create("other caller").secret());
		post(api, "/v1/customers/" + customer + "/subscription", "{\"plan\":\"enterprise\"}", key);

		var theirs = post(otherCaller, "/v1/customers/" + customer + "/subscription", "{\"plan\":\"pro\"}", key);

		assertThat(theirs.status()).isEqualTo(200);
		assertThat(theirs.header("Idempotent-Replayed")).isNull();
	}

	@Test
	void malformedKeyIsRefused() {
		var customer = newCustomer("idem-bad");

		var tooLong = post(api, "/v1/customers/" + customer + "/subscription", "{\"plan\":\"pro\"}", "k".repeat(256));

		assertThat(tooLong.status()).isEqualTo(400);
		assertThat(tooLong.code()).isEqualTo("invalid_request");
		assertThat(planChanges(customer)).isZero();
	}

	@Test
	void replayedKeyCreationNeverShowsTheSecretAgain() {
		var key = UUID.randomUUID().toString();
		int before = apiKeys.list().size();

		var first = post(api, "/v1/api-keys", "{\"name\":\"idempotent\"}", key);
		var again = post(api, "/v1/api-keys", "{\"name\":\"idempotent\"}", key);

		assertThat(first.status()).isEqualTo(201);
		assertThat(first.body().path("secret").asString()).startsWith("pg_sk_");
		assertThat(again.status()).isEqualTo(201);
		assertThat(again.body().path("id").asString()).isEqualTo(first.body().path("id").asString());
		assertThat(again.body().has("secret")).isFalse();
		assertThat(again.text()).doesNotContain(first.body().path("secret").asString());
		assertThat(apiKeys.list()).hasSize(before + 1);
	}

	@Test
	void concurrentRequestsWithOneKeyAreHandledOnce() throws Exception {
		var customer = newCustomer("idem-race");
		var key = UUID.randomUUID().toString();

		var responses = Race.times(8,
				() -> post(api, "/v1/customers/" + customer + "/subscription", "{\"plan\":\"enterprise\"}", key));

		assertThat(responses).allSatisfy(r -> assertThat(r.status()).isIn(200, 409));
		assertThat(responses).filteredOn(r -> r.status() == 409)
			.allSatisfy(r -> assertThat(r.code()).isEqualTo("idempotency_key_in_use"));
		assertThat(responses).filteredOn(r -> r.status() == 200 && r.header("Idempotent-Replayed") == null).hasSize(1);
		assertThat(planChanges(customer)).isEqualTo(1);
	}

	@Test
	void oneKeyRacingForTwoCustomersConsumesIsHandledForOneAndRefusedForTheOther() throws Exception {
		for (int round = 0; round < 10; round++) {
			var first = newCustomer("idem-cross-a");
			var second = newCustomer("idem-cross-b");
			var key = UUID.randomUUID().toString();

			var responses = Race.run(List.<java.util.concurrent.Callable<Api.Response>>of(
					() -> post(api, "/v1/consume", "{\"customerId\":\"" + first + "\",\"feature\":\"api_calls\"}", key),
					() -> post(api, "/v1/consume", "{\"customerId\":\"" + second + "\",\"feature\":\"api_calls\"}",
							key)));

			assertThat(responses).as("round %d", round)
				.allSatisfy(r -> assertThat(r.status()).as(r.text()).isIn(200, 409, 422));
			assertThat(responses).filteredOn(r -> r.status() == 200).hasSize(1);
			assertThat(responses).filteredOn(r -> r.status() != 200)
				.allSatisfy(r -> assertThat(r.code()).isIn("idempotency_key_in_use", "idempotency_key_reused"));
		}
	}

}

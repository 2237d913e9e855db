package dev.plangate.identity.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

/**
 * Worker keys: made for the processes that run batch operations, they reach the worker
 * API and nothing else, and they never count as the last server key.
 */
class WorkerKeysTest extends ServerTest {

	private Api workerClient() {
		var response = api.post("/v1/api-keys", "{\"name\":\"fleet workers\",\"kind\":\"worker\"}");
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		assertThat(response.body().path("kind").asString()).isEqualTo("worker");
		var secret = response.body().path("secret").asString();
		assertThat(secret).matches("pg_wk_[0-9A-Za-z]{36}");
		return api.withKey(secret);
	}

	@Test
	void aWorkerKeyReachesTheWorkerApi() {
		// given
		var worker = workerClient();

		// when
		var response = worker.post("/v1/worker/poll", "{\"workerId\":\"w-1\",\"regions\":[\"nowhere-1\"]}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("operations").size()).isZero();
	}

	@Test
	void aWorkerKeyIsRefusedEverywhereElse() {
		// given
		var worker = workerClient();

		// when
		var customers = worker.get("/v1/customers");
		var keys = worker.post("/v1/api-keys", "{\"name\":\"escalation\"}");
		var check = worker.post("/v1/check", "{\"customerId\":\"x\",\"feature\":\"sso\"}");

		// then
		for (var response : new Api.Response[] { customers, keys, check }) {
			assertThat(response.status()).as(response.toString()).isEqualTo(403);
			assertThat(response.code()).isEqualTo("forbidden");
		}
	}

	@Test
	void aServerKeyReachesTheWorkerApiToo() {
		// when
		var response = api.post("/v1/worker/poll", "{\"workerId\":\"w-2\",\"regions\":[\"nowhere-2\"]}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	@Test
	void aWorkerKeyCannotBeTheBootstrapKey() {
		// given
		var text = ApiKeySecret.generate(ApiKeyKind.WORKER).text();

		// when
		var weakness = ApiKeySecret.weakness(text);

		// then
		assertThat(weakness).hasValueSatisfying(why -> assertThat(why).contains("server key"));
	}

}

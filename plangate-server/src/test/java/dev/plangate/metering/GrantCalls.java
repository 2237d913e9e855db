package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plangate.support.Api;
import tools.jackson.databind.JsonNode;

/** The calls the grant tests make over HTTP, on the {@code api_calls} quota. */
final class GrantCalls {

	private GrantCalls() {
	}

	/** Allows the customer {@code limit} api_calls a month, by an override. */
	static void allow(Api api, String customer, long limit) {
		var response = api.put("/v1/customers/" + customer + "/overrides/api_calls", "{\"value\":" + limit + "}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	/** Grants {@code amount} api_calls; {@code extra} adds JSON members (",\"x\":1"). */
	static JsonNode grant(Api api, String customer, long amount, String extra) {
		var response = api.post("/v1/customers/" + customer + "/grants",
				"{\"feature\":\"api_calls\",\"amount\":" + amount + extra + "}");
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.body();
	}

	static Api.Response consume(Api api, String customer, long amount, String key) {
		return api.post("/v1/consume",
				"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":%d,\"idempotencyKey\":\"%s\"}"
					.formatted(customer, amount, key));
	}

}

package dev.plangate.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

/**
 * Registering webhook endpoints: their secrets shown once, every change audited, the
 * customer-scoped ones gated by the plan, and bad input refused as a problem with nothing
 * changed.
 */
class WebhookEndpointTest extends ServerTest {

	private static final String ENDPOINTS = "/v1/webhook-endpoints";

	@Autowired
	private JdbcClient jdbc;

	private static String url(String path) {
		return "http://127.0.0.1:9/" + path;
	}

	/**
	 * Endpoints made here: deleted after each test, so no other test's events go to them.
	 */
	private final List<String> made = new ArrayList<>();

	@AfterEach
	void deleteEndpoints() {
		made.forEach(id -> api.delete(ENDPOINTS + "/" + id));
	}

	private Api.Response create(Map<String, Object> request) {
		var response = api.post(ENDPOINTS, Api.json(request));
		if (response.status() == 201) {
			made.add(response.body().get("id").asString());
		}
		return response;
	}

	@Test
	void anEndpointIsCreatedReadChangedAndDeletedWithEveryChangeAudited() {
		// when
		var created = create(Map.of("url", url("crud"), "description", "orders", "eventTypes",
				List.of("customer.*", "grant.created")));

		// then: the secret once, in the Standard Webhooks form
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		var id = created.body().get("id").asString();
		var secret = created.body().get("secret").asString();
		assertThat(secret).matches("whsec_[A-Za-z0-9+/]{43}=");
		assertThat(created.body().get("secretPrefix").asString()).isEqualTo(secret.substring(0, 10) + "…");
		assertThat(created.body().get("enabled").asBoolean()).isTrue();
		assertThat(created.body().has("customerId")).isFalse();

		var read = api.get(ENDPOINTS + "/" + id);
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.body().has("secret")).as("never shown again").isFalse();
		assertThat(read.text()).doesNotContain(secret);
		assertThat(read.body().get("eventTypes").toString()).isEqualTo("[\"customer.*\",\"grant.created\"]");
		var listed = api.get(ENDPOINTS + "?limit=200");
		assertThat(listed.text()).contains(id).doesNotContain(secret);

		// when
		var patched = api.send("PATCH", ENDPOINTS + "/" + id,
				Api.json(Map.of("enabled", false, "eventTypes", List.of("*"), "url", url("moved"))), Map.of());

		// then
		assertThat(patched.status()).as(patched.toString()).isEqualTo(200);
		assertThat(patched.body().get("enabled").asBoolean()).isFalse();
		assertThat(patched.body().get("eventTypes").toString()).isEqualTo("[\"*\"]");
		assertThat(patched.body().get("url").asString()).isEqualTo(url("moved"));
		assertThat(patched.body().get("description").asString()).isEqualTo("orders");

		// when
		var deleted = api.delete(ENDPOINTS + "/" + id);

		// then
		assertThat(deleted.status()).isEqualTo(200);
		assertThat(api.get(ENDPOINTS + "/" + id).code()).isEqualTo("webhook_endpoint_not_found");
		var audit = api.get("/v1/admin/audit-events?targetType=webhook_endpoint&targetId=" + id);
		assertThat(audit.body().get("data").findValuesAsString("action")).containsExactly("webhook_endpoint.deleted",
				"webhook_endpoint.updated", "webhook_endpoint.created");
		assertThat(audit.text()).doesNotContain(secret);
	}

	@Test
	void aRotationShowsTheNewSecretOnceAndIsAudited() {
		// given
		var created = create(Map.of("url", url("rotate")));
		var id = created.body().get("id").asString();

		// when
		var rotated = api.post(ENDPOINTS + "/" + id + "/rotate-secret", null);

		// then
		assertThat(rotated.status()).as(rotated.toString()).isEqualTo(200);
		var fresh = rotated.body().get("secret").asString();
		assertThat(fresh).startsWith("whsec_").isNotEqualTo(created.body().get("secret").asString());
		assertThat(rotated.body().get("previousSecretExpiresAt").isString()).isTrue();
		assertThat(api.get(ENDPOINTS + "/" + id).text()).doesNotContain(fresh);
		var audit = api.get("/v1/admin/audit-events?targetType=webhook_endpoint&targetId=" + id);
		assertThat(audit.body().get("data").get(0).get("action").asString())
			.isEqualTo("webhook_endpoint.secret_rotated");
		assertThat(audit.text()).doesNotContain(fresh);
	}

	@Test
	void badInputIsAProblemAndChangesNothing() {
		// given
		long before = endpoints();
		var existing = create(Map.of("url", url("kept"))).body().get("id").asString();

		// then
		assertProblem(create(Map.of("url", "ftp://example.com/hook")), 422, "invalid_webhook_url");
		assertProblem(create(Map.of("url", "javascript:alert(1)")), 422, "invalid_webhook_url");
		assertProblem(create(Map.of("url", "http://")), 422, "invalid_webhook_url");
		assertProblem(create(Map.of("url", "https://example.com/" + "a".repeat(2100))), 400, "invalid_request");
		assertProblem(create(Map.of("url", "https://no-such-host.invalid/hook")), 422, "invalid_webhook_url");
		var unknown = create(Map.of("url", url("x"), "eventTypes", List.of("customer.created", "customer.exploded")));
		assertProblem(unknown, 422, "unknown_event_type");
		assertThat(unknown.text()).contains("eventTypes[1]").contains("customer.exploded");
		assertProblem(create(Map.of("url", url("x"), "eventTypes", List.of("nothing.*"))), 422, "unknown_event_type");
		assertProblem(create(Map.of("url", url("x"), "eventTypes", List.of())), 400, "invalid_request");
		assertProblem(api.post(ENDPOINTS, "{\"url\": "), 400, "malformed_json");
		assertProblem(api.post(ENDPOINTS, "{\"description\": \"no url\"}"), 400, "invalid_request");
		assertProblem(api.post(ENDPOINTS, "{\"url\": \"" + url("x") + "\", \"eventTypes\": \"customer.created\"}"), 400,
				"invalid_request");
		assertProblem(api.post(ENDPOINTS, "{\"url\": \"" + url("x") + "\", \"enabled\": \"maybe\"}"), 400,
				"invalid_request");
		assertProblem(api.send("POST", ENDPOINTS, "url=x", Map.of("Content-Type", "text/plain")), 415,
				"unsupported_media_type");
		assertProblem(create(Map.of("url", url("x"), "customerId", "no such customer!")), 400, "invalid_request");
		assertProblem(create(Map.of("url", url("x"), "customerId", uniqueId("ghost"))), 404, "customer_not_found");
		var missing = UUID.randomUUID();
		assertProblem(api.get(ENDPOINTS + "/" + missing), 404, "webhook_endpoint_not_found");
		assertProblem(api.send("PATCH", ENDPOINTS + "/" + missing, "{\"enabled\": false}", Map.of()), 404,
				"webhook_endpoint_not_found");
		assertProblem(api.delete(ENDPOINTS + "/" + missing), 404, "webhook_endpoint_not_found");
		assertProblem(api.post(ENDPOINTS + "/" + missing + "/rotate-secret", null), 404, "webhook_endpoint_not_found");
		assertProblem(api.get(ENDPOINTS + "/" + missing + "/deliveries"), 404, "webhook_endpoint_not_found");
		assertProblem(api.post(ENDPOINTS + "/" + existing + "/deliveries/999999999/retry", null), 404,
				"webhook_delivery_not_found");
		assertProblem(api.get(ENDPOINTS + "/not-a-uuid"), 400, "invalid_request");
		assertProblem(api.send("PATCH", ENDPOINTS + "/" + existing, "{\"url\": \"ftp://x\"}", Map.of()), 422,
				"invalid_webhook_url");
		assertProblem(api.send("PATCH", ENDPOINTS + "/" + existing, "{\"eventTypes\": [\"x.y\"]}", Map.of()), 422,
				"unknown_event_type");
		assertProblem(api.post(ENDPOINTS + "/" + existing + "/rotate-secret", "{\"overlapSeconds\": -1}"), 400,
				"invalid_request");
		assertProblem(api.post(ENDPOINTS + "/" + existing + "/redeliver", "{\"from\": \"2027-01-02T00:00:00Z\"}"), 400,
				"invalid_request");
		assertProblem(
				api.post(ENDPOINTS + "/" + existing + "/redeliver",
						"{\"from\": \"2027-01-02T00:00:00Z\", \"to\": \"2027-01-01T00:00:00Z\"}"),
				400, "invalid_request");
		assertProblem(api.post(ENDPOINTS + "/" + existing + "/redeliver", "{\"from\": \"yesterday\", \"to\": 3}"), 400,
				"invalid_request");

		// then nothing changed
		assertThat(endpoints()).isEqualTo(before + 1);
		var kept = api.get(ENDPOINTS + "/" + existing).body();
		assertThat(kept.get("url").asString()).isEqualTo(url("kept"));
		assertThat(kept.get("eventTypes").toString()).isEqualTo("[\"*\"]");
	}

	@Test
	void aCustomerEndpointNeedsAPlanWithTheWebhookFeature() {
		// given: the test configuration names single sign-on, which enterprise has and
		// free has not
		var free = newCustomer("hooks-free");
		var enterprise = subscribed("enterprise");
		long before = endpoints();

		// when
		var refused = create(Map.of("url", url("free"), "customerId", free));
		var allowed = create(Map.of("url", url("enterprise"), "customerId", enterprise));

		// then
		assertProblem(refused, 403, "webhooks_not_in_plan");
		assertThat(refused.body().get("feature").asString()).isEqualTo("sso");
		assertThat(allowed.status()).as(allowed.toString()).isEqualTo(201);
		assertThat(allowed.body().get("customerId").asString()).isEqualTo(enterprise);
		assertThat(endpoints()).isEqualTo(before + 1);
		assertThat(api.get(ENDPOINTS + "?customerId=" + enterprise).body().get("data")).hasSize(1);
	}

	@Test
	void anEndUserManagesTheirCustomersEndpointsOnly() {
		// given
		var mine = subscribed("enterprise");
		var theirs = subscribed("enterprise");
		var me = api.withKey(token(mine));
		var theirEndpoint = create(Map.of("url", url("theirs"), "customerId", theirs)).body().get("id").asString();
		var platformEndpoint = create(Map.of("url", url("platform"))).body().get("id").asString();

		// when
		var created = me.post("/v1/me/webhook-endpoints",
				Api.json(Map.of("url", url("mine"), "eventTypes", List.of("subscription.*"))));

		// then
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(created.body().get("customerId").asString()).isEqualTo(mine);
		assertThat(created.body().get("secret").asString()).startsWith("whsec_");
		var id = created.body().get("id").asString();
		var listed = me.get("/v1/me/webhook-endpoints").body().get("data");
		assertThat(listed.findValuesAsString("id")).containsExactly(id);
		assertThat(me.get("/v1/me/webhook-endpoints/" + id).status()).isEqualTo(200);
		for (var other : List.of(theirEndpoint, platformEndpoint)) {
			assertProblem(me.get("/v1/me/webhook-endpoints/" + other), 404, "webhook_endpoint_not_found");
			assertProblem(me.send("PATCH", "/v1/me/webhook-endpoints/" + other, "{\"enabled\": false}", Map.of()), 404,
					"webhook_endpoint_not_found");
			assertProblem(me.delete("/v1/me/webhook-endpoints/" + other), 404, "webhook_endpoint_not_found");
			assertProblem(me.post("/v1/me/webhook-endpoints/" + other + "/rotate-secret", null), 404,
					"webhook_endpoint_not_found");
		}
		assertThat(api.get(ENDPOINTS + "/" + theirEndpoint).body().get("enabled").asBoolean()).isTrue();
		assertProblem(me.get(ENDPOINTS), 403, "forbidden");
		assertThat(me.delete("/v1/me/webhook-endpoints/" + id).status()).isEqualTo(200);
	}

	@Test
	void anEndUserWhosePlanLacksTheFeatureIsRefused() {
		// given
		var free = newCustomer("hooks-me-free");
		var me = api.withKey(token(free));
		long before = endpoints();

		// when
		var refused = me.post("/v1/me/webhook-endpoints", Api.json(Map.of("url", url("free"))));

		// then
		assertProblem(refused, 403, "webhooks_not_in_plan");
		assertThat(endpoints()).isEqualTo(before);
		assertThat(me.get("/v1/me/webhook-endpoints").body().get("data")).isEmpty();
	}

	private String token(String customer) {
		var minted = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));
		assertThat(minted.status()).as(minted.toString()).isEqualTo(201);
		return minted.body().get("token").asString();
	}

	private String subscribed(String plan) {
		var customer = newCustomer("hooks");
		var subscribed = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\": \"" + plan + "\"}");
		assertThat(subscribed.status()).as(subscribed.toString()).isIn(200, 201);
		return customer;
	}

	private long endpoints() {
		return jdbc.sql("select count(*) from webhook_endpoint").query(Long.class).single();
	}

	private static void assertProblem(Api.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.code()).as(response.toString()).isEqualTo(code);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
	}

}

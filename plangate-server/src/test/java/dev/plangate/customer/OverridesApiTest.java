package dev.plangate.customer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * Per-customer overrides over HTTP: what they do to entitlements, what they refuse, and
 * their audit trail.
 */
class OverridesApiTest extends ServerTest {

	private static String override(String customerId, String feature) {
		return "/v1/customers/" + Api.encode(customerId) + "/overrides/" + feature;
	}

	private JsonNode entitlement(String customerId, String feature) {
		var response = api.get("/v1/customers/" + Api.encode(customerId) + "/entitlements");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("features").path(feature);
	}

	private JsonNode overrides(String customerId) {
		var response = api.get("/v1/customers/" + Api.encode(customerId) + "/overrides");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data");
	}

	private static void assertRefusedValue(Api.Response response) {
		assertThat(response.status()).as(response.toString()).isEqualTo(422);
		assertThat(response.code()).isEqualTo("invalid_override");
		assertThat(response.body().path("errors").findValuesAsString("field")).containsExactly("value");
	}

	@Test
	void quotaOverrideBeatsThePlanInEntitlements() {
		// given
		var id = newCustomer("ovr-quota");

		// when
		var response = api.put(override(id, "api_calls"), "{\"value\": 500, \"reason\": \"deal\"}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var body = response.body();
		assertThat(body.path("feature").asString()).isEqualTo("api_calls");
		assertThat(body.path("value").path("limit").asLong()).isEqualTo(500);
		assertThat(body.path("value").path("source").asString()).isEqualTo("override");
		assertThat(body.path("reason").asString()).isEqualTo("deal");
		assertThat(body.path("setBy").asString()).startsWith("api_key:pg_sk_");
		var entitlement = entitlement(id, "api_calls");
		assertThat(entitlement.path("limit").asLong()).isEqualTo(500);
		assertThat(entitlement.path("unlimited").asBoolean()).isFalse();
		assertThat(entitlement.path("enabled").asBoolean()).isTrue();
		assertThat(entitlement.path("source").asString()).isEqualTo("override");
	}

	@Test
	void quotaOverrideInTheLongFormIsAccepted() {
		// given
		var id = newCustomer("ovr-long");

		// when
		var response = api.put(override(id, "seats"), "{\"value\": {\"limit\": 42}}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(entitlement(id, "seats").path("limit").asLong()).isEqualTo(42);
		assertThat(entitlement(id, "seats").path("source").asString()).isEqualTo("override");
	}

	@Test
	void unlimitedQuotaOverrideHasNoLimit() {
		// given
		var id = newCustomer("ovr-unlimited");

		// when
		var response = api.put(override(id, "api_calls"), "{\"value\": \"unlimited\"}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var entitlement = entitlement(id, "api_calls");
		assertThat(entitlement.path("unlimited").asBoolean()).isTrue();
		assertThat(entitlement.has("limit")).isFalse();
		assertThat(entitlement.path("source").asString()).isEqualTo("override");
	}

	@Test
	void switchOverrideTurnsOnAFeatureThePlanLacks() {
		// given: free has no single sign-on
		var id = newCustomer("ovr-switch");
		assertThat(entitlement(id, "sso").path("enabled").asBoolean()).isFalse();

		// when
		var response = api.put(override(id, "sso"), "{\"value\": true}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var entitlement = entitlement(id, "sso");
		assertThat(entitlement.path("enabled").asBoolean()).isTrue();
		assertThat(entitlement.path("source").asString()).isEqualTo("override");
	}

	@Test
	void enumSettingOverrideTakesAnAllowedValue() {
		// given
		var id = newCustomer("ovr-enum");

		// when
		var response = api.put(override(id, "support"), "{\"value\": \"priority\"}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var entitlement = entitlement(id, "support");
		assertThat(entitlement.path("value").asString()).isEqualTo("priority");
		assertThat(entitlement.path("source").asString()).isEqualTo("override");
	}

	@Test
	void rateOverrideBeatsTheScaledDefault() {
		// given
		var id = newCustomer("ovr-rate");

		// when
		var response = api.put(override(id, "api_rate"), "{\"value\": 1000}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(entitlement(id, "api_rate").path("limit").asLong()).isEqualTo(1000);
		assertThat(entitlement(id, "api_rate").path("source").asString()).isEqualTo("override");
	}

	@Test
	void settingAnOverrideAgainReplacesIt() {
		// given
		var id = newCustomer("ovr-replace");
		api.put(override(id, "api_calls"), "{\"value\": 500, \"reason\": \"deal\"}");

		// when
		var response = api.put(override(id, "api_calls"), "{\"value\": 750, \"reason\": \"bigger deal\"}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var list = overrides(id);
		assertThat(list.size()).isEqualTo(1);
		assertThat(list.get(0).path("value").path("limit").asLong()).isEqualTo(750);
		assertThat(list.get(0).path("reason").asString()).isEqualTo("bigger deal");
		assertThat(entitlement(id, "api_calls").path("limit").asLong()).isEqualTo(750);
	}

	@Test
	void overridesAreListed() {
		// given
		var id = newCustomer("ovr-list");
		api.put(override(id, "sso"), "{\"value\": true}");
		api.put(override(id, "api_calls"), "{\"value\": 500}");

		// when
		var list = overrides(id);

		// then
		assertThat(list.valueStream().map(o -> o.path("feature").asString())).containsExactly("api_calls", "sso");
	}

	@Test
	void numberForASwitchIsRefusedAndNothingIsStored() {
		// given
		var id = newCustomer("ovr-badswitch");

		// when
		var response = api.put(override(id, "sso"), "{\"value\": 5}");

		// then
		assertRefusedValue(response);
		assertThat(overrides(id).isEmpty()).isTrue();
		assertThat(entitlement(id, "sso").path("source").asString()).isEqualTo("none");
	}

	@Test
	void textForAQuotaIsRefusedAndNothingIsStored() {
		// given
		var id = newCustomer("ovr-badquota");

		// when
		var response = api.put(override(id, "api_calls"), "{\"value\": \"lots\"}");

		// then
		assertRefusedValue(response);
		assertThat(overrides(id).isEmpty()).isTrue();
		assertThat(entitlement(id, "api_calls").path("limit").asLong()).isEqualTo(1000);
		assertThat(entitlement(id, "api_calls").path("source").asString()).isEqualTo("plan");
	}

	@Test
	void negativeQuotaIsRefused() {
		// given
		var id = newCustomer("ovr-negative");

		// when
		var response = api.put(override(id, "api_calls"), "{\"value\": -1}");

		// then
		assertRefusedValue(response);
		assertThat(overrides(id).isEmpty()).isTrue();
	}

	@Test
	void enumValueNotAllowedIsRefusedAndNothingIsStored() {
		// given
		var id = newCustomer("ovr-badenum");

		// when
		var response = api.put(override(id, "support"), "{\"value\": \"platinum\"}");

		// then
		assertRefusedValue(response);
		assertThat(overrides(id).isEmpty()).isTrue();
		assertThat(entitlement(id, "support").path("value").asString()).isEqualTo("community");
	}

	@Test
	void refusedValueLeavesAnExistingOverrideAsItWas() {
		// given
		var id = newCustomer("ovr-keep");
		api.put(override(id, "api_calls"), "{\"value\": 500, \"reason\": \"deal\"}");
		var before = overrides(id);

		// when
		var response = api.put(override(id, "api_calls"), "{\"value\": \"lots\"}");

		// then
		assertRefusedValue(response);
		assertThat(overrides(id)).isEqualTo(before);
	}

	@Test
	void missingValueIsRefusedAsBadInput() {
		// given
		var id = newCustomer("ovr-novalue");

		// when
		var response = api.put(override(id, "api_calls"), "{\"reason\": \"deal\"}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("invalid_request");
		assertThat(response.body().path("errors").findValuesAsString("field")).contains("value");
		assertThat(overrides(id).isEmpty()).isTrue();
	}

	@Test
	void reasonLongerThan500CharactersIsRefused() {
		// given
		var id = newCustomer("ovr-reason");

		// when
		var response = api.put(override(id, "api_calls"), Api.json(Map.of("value", 5, "reason", "r".repeat(501))));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("invalid_request");
		assertThat(response.body().path("errors").findValuesAsString("field")).contains("reason");
		assertThat(overrides(id).isEmpty()).isTrue();
	}

	@Test
	void unknownFieldInTheBodyIsRefused() {
		// given
		var id = newCustomer("ovr-unknown");

		// when
		var response = api.put(override(id, "api_calls"), "{\"value\": 5, \"expires\": \"never\"}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.body().path("errors").findValuesAsString("field")).contains("expires");
		assertThat(overrides(id).isEmpty()).isTrue();
	}

	@Test
	void malformedJsonIsRefused() {
		// given
		var id = newCustomer("ovr-malformed");

		// when
		var response = api.put(override(id, "api_calls"), "{\"value\": ");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("malformed_json");
		assertThat(overrides(id).isEmpty()).isTrue();
	}

	@Test
	void unknownFeatureIsNotFound() {
		// given
		var id = newCustomer("ovr-nofeature");

		// when
		var response = api.put(override(id, "teleportation"), "{\"value\": true}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("feature_not_found");
		assertThat(overrides(id).isEmpty()).isTrue();
	}

	@Test
	void badFeatureKeyIsRefusedAsBadInput() {
		// given
		var id = newCustomer("ovr-badkey");

		// when
		var response = api.put(override(id, "Not-A-Key"), "{\"value\": true}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("invalid_request");
		assertThat(response.body().path("errors").findValuesAsString("field")).contains("feature");
		assertThat(overrides(id).isEmpty()).isTrue();
	}

	@Test
	void unknownCustomerIsNotFound() {
		// when
		var response = api.put(override(uniqueId("ghost"), "api_calls"), "{\"value\": 5}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("customer_not_found");
	}

	@Test
	void listingTheOverridesOfAnUnknownCustomerIsNotFound() {
		// when
		var response = api.get("/v1/customers/" + uniqueId("ghost") + "/overrides");

		// then
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("customer_not_found");
	}

	@Test
	void removedOverrideFallsBackToThePlan() {
		// given
		var id = newCustomer("ovr-remove");
		api.put(override(id, "api_calls"), "{\"value\": 500}");

		// when
		var response = api.delete(override(id, "api_calls"));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(204);
		assertThat(response.text()).isEmpty();
		var entitlement = entitlement(id, "api_calls");
		assertThat(entitlement.path("limit").asLong()).isEqualTo(1000);
		assertThat(entitlement.path("source").asString()).isEqualTo("plan");
		assertThat(overrides(id).isEmpty()).isTrue();
	}

	@Test
	void removingAMissingOverrideIsNotFound() {
		// given
		var id = newCustomer("ovr-missing");

		// when
		var response = api.delete(override(id, "api_calls"));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("override_not_found");
	}

	@Test
	void removingAnOverrideOfAnUnknownCustomerIsNotFound() {
		// when
		var response = api.delete(override(uniqueId("ghost"), "api_calls"));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("customer_not_found");
	}

	@Test
	void deletedCustomerCannotGetAnOverride() {
		// given
		var id = newCustomer("ovr-deleted");
		api.delete("/v1/customers/" + id);

		// when
		var response = api.put(override(id, "api_calls"), "{\"value\": 500}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(409);
		assertThat(response.code()).isEqualTo("customer_deleted");
		assertThat(overrides(id).isEmpty()).isTrue();
	}

	@Test
	void deletedCustomersOverridesCannotBeRemovedEither() {
		// given: a deleted customer's data is kept as it was, overrides included
		var id = newCustomer("ovr-deleted-rm");
		api.put(override(id, "api_calls"), "{\"value\": 500}");
		api.delete("/v1/customers/" + id);
		var before = overrides(id);

		// when
		var response = api.delete(override(id, "api_calls"));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(409);
		assertThat(response.code()).isEqualTo("customer_deleted");
		assertThat(overrides(id)).isEqualTo(before);
	}

	@Test
	void settingAnOverrideIsAuditedWithTheApiKeyAsActor() {
		// given
		var id = newCustomer("ovr-audit");

		// when
		api.put(override(id, "api_calls"), "{\"value\": 500, \"reason\": \"deal\"}");

		// then
		var audit = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + Api.encode(id));
		assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
		var events = audit.body().path("data");
		var set = events.valueStream()
			.filter(e -> e.path("action").asString().equals("override.set"))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no override.set in " + events));
		assertThat(set.path("actor").asString()).startsWith("api_key:pg_sk_");
		assertThat(set.path("targetType").asString()).isEqualTo("customer");
		assertThat(set.path("targetId").asString()).isEqualTo(id);
		assertThat(set.has("before")).as("there was no override before").isFalse();
		assertThat(set.path("after").path("feature").asString()).isEqualTo("api_calls");
		assertThat(set.path("after").path("entitlement").path("limit").asLong()).isEqualTo(500);
		assertThat(set.path("after").path("reason").asString()).isEqualTo("deal");
	}

	@Test
	void removingAnOverrideIsAudited() {
		// given
		var id = newCustomer("ovr-audit-rm");
		api.put(override(id, "api_calls"), "{\"value\": 500}");

		// when
		api.delete(override(id, "api_calls"));

		// then
		var events = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + Api.encode(id))
			.body()
			.path("data");
		assertThat(events.findValuesAsString("action")).startsWith("override.removed", "override.set");
		assertThat(events.get(0).path("actor").asString()).startsWith("api_key:pg_sk_");
		assertThat(events.get(0).path("before").path("entitlement").path("limit").asLong()).isEqualTo(500);
	}

	@Test
	void refusedOverrideIsNotAudited() {
		// given
		var id = newCustomer("ovr-audit-refused");

		// when
		api.put(override(id, "sso"), "{\"value\": 5}");

		// then
		var events = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + Api.encode(id))
			.body()
			.path("data");
		assertThat(events.findValuesAsString("action")).doesNotContain("override.set");
	}

	@Test
	void overridesNeedAKey() {
		// given
		var id = newCustomer("ovr-nokey");

		// when
		var put = anonymous.put(override(id, "api_calls"), "{\"value\": 500}");
		var delete = anonymous.delete(override(id, "api_calls"));

		// then
		assertThat(put.status()).isEqualTo(401);
		assertThat(put.code()).isEqualTo("unauthenticated");
		assertThat(delete.status()).isEqualTo(401);
		assertThat(overrides(id).isEmpty()).isTrue();
	}

}

package dev.plangate.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * The admin plan API over HTTP: creating, changing (versions), archiving and activating
 * plans, moving subscribers between versions, and the audit trail of each change. Every
 * refusal is checked for its status, its problem {@code code}, the fields it names, and
 * for having changed nothing.
 */
class PlanAdminApiTest extends ServerTest {

	private static final String ACTOR = "api_key:pg_sk_[0-9A-Za-z]{6}";

	// create

	@Test
	void planInCatalogFileFormIsCreatedAsVersionOne() {
		// given
		String key = uniqueKey("team");

		// when
		var response = api.post("/v1/admin/plans", planJson(key, 1900, 3));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		var plan = response.body();
		assertThat(plan.path("key").asString()).isEqualTo(key);
		assertThat(plan.path("version").asInt()).isEqualTo(1);
		assertThat(plan.path("name").asString()).isEqualTo("Team");
		assertThat(plan.path("description").asString()).isEqualTo("For small teams");
		assertThat(plan.path("price").path("amount").asLong()).isEqualTo(1900);
		assertThat(plan.path("price").path("currency").asString()).isEqualTo("USD");
		assertThat(plan.path("interval").asString()).isEqualTo("month");
		assertThat(plan.path("status").asString()).isEqualTo("active");
		assertThat(plan.path("current").asBoolean()).isTrue();
		assertThat(plan.path("isDefault").asBoolean()).isFalse();
		var entitlements = plan.path("entitlements");
		assertThat(entitlements.path("api_access").path("enabled").asBoolean()).isTrue();
		assertThat(entitlements.path("seats").path("limit").asLong()).isEqualTo(3);
		assertThat(entitlements.path("api_calls").path("limit").asLong()).isEqualTo(5000);
		assertThat(entitlements.path("api_calls").path("overage").path("price").asLong()).isEqualTo(2);
		assertThat(entitlements.path("api_calls").path("overage").path("per").asLong()).isEqualTo(100);
		assertThat(entitlements.path("concurrent_jobs").path("unlimited").asBoolean()).isTrue();
		assertThat(entitlements.path("support").path("value").asString()).isEqualTo("email");
		assertThat(entitlements.path("retention_days").path("value").asString()).isEqualTo("30");
	}

	@Test
	void createdPlanIsReadableAndListedPublicly() {
		// given
		String key = createPlan("listed", 1900, 3);

		// when
		var one = anonymous.get("/v1/plans/" + key);
		var list = anonymous.get("/v1/plans");

		// then
		assertThat(one.status()).isEqualTo(200);
		assertThat(one.body().path("entitlements").path("seats").path("limit").asLong()).isEqualTo(3);
		assertThat(list.status()).isEqualTo(200);
		assertThat(keysOf(list.body().path("data"))).contains(key, "free", "pro", "enterprise");
	}

	@Test
	void creatingAPlanWithATakenKeyIsRefusedAndChangesNothing() {
		// given
		String key = createPlan("taken", 1900, 3);

		// when
		var response = api.post("/v1/admin/plans", planJson(key, 9900, 50));

		// then
		assertThat(response.status()).isEqualTo(409);
		assertThat(response.code()).isEqualTo("plan_exists");
		assertThat(fieldsOf(response)).containsExactly("key");
		var plan = anonymous.get("/v1/plans/" + key).body();
		assertThat(plan.path("version").asInt()).isEqualTo(1);
		assertThat(plan.path("price").path("amount").asLong()).isEqualTo(1900);
		assertThat(versionsOf(key)).containsExactly(1);
	}

	@Test
	void creatingAPlanWithTheKeyOfACatalogPlanIsRefused() {
		// given
		var before = anonymous.get("/v1/plans/pro").body();

		// when
		var response = api.post("/v1/admin/plans", planJson("pro", 1, 1));

		// then
		assertThat(response.status()).isEqualTo(409);
		assertThat(response.code()).isEqualTo("plan_exists");
		assertThat(anonymous.get("/v1/plans/pro").body()).isEqualTo(before);
	}

	@Test
	void invalidPlanIsRefusedNamingEveryProblemAndIsNotCreated() {
		// given
		String key = uniqueKey("invalid");
		String body = """
				{"key": "%s", "price": -5, "currency": "ZZZ", "interval": "week", "cost": 1, "rateMultiplier": 0,
				 "entitlements": {"seats": "ten", "sso": 5, "support": "gold", "storage_gb": 1,
				                  "api_rate": {"limit": 10, "overage": {"price": 1}}}}
				""".formatted(key);

		// when
		var response = api.post("/v1/admin/plans", body);

		// then
		assertThat(response.status()).isEqualTo(422);
		assertThat(response.code()).isEqualTo("invalid_plan");
		assertThat(fieldsOf(response)).containsExactlyInAnyOrder("price", "currency", "interval", "cost",
				"rateMultiplier", "entitlements.seats", "entitlements.sso", "entitlements.support",
				"entitlements.storage_gb", "entitlements.api_rate");
		assertThat(response.body().path("errors").valueStream().map(e -> e.path("message").asString()))
			.allMatch(message -> message.startsWith("plan '" + key + "': "));
		assertThat(messageOf(response, "entitlements.seats")).contains("'ten'");
		assertThat(messageOf(response, "entitlements.sso")).contains("true or false");
		assertThat(messageOf(response, "entitlements.support"))
			.contains("'gold' is not one of [community, email, priority]");
		assertThat(messageOf(response, "entitlements.storage_gb")).contains("unknown feature");
		assertThat(messageOf(response, "entitlements.api_rate")).contains("only quota features have an overage price");
		assertPlanDoesNotExist(key);
	}

	@Test
	void planWithoutKeyOrPriceIsRefusedNamingBoth() {
		// given
		String body = """
				{"name": "Nameless", "entitlements": {"seats": 1}}
				""";

		// when
		var response = api.post("/v1/admin/plans", body);

		// then
		assertThat(response.status()).isEqualTo(422);
		assertThat(response.code()).isEqualTo("invalid_plan");
		assertThat(fieldsOf(response)).containsExactlyInAnyOrder("key", "price");
	}

	@Test
	void planKeyBreakingThePatternIsRefused() {
		// given
		String body = """
				{"key": "Bad-Key", "price": 0}
				""";

		// when
		var response = api.post("/v1/admin/plans", body);

		// then
		assertThat(response.status()).isEqualTo(422);
		assertThat(response.code()).isEqualTo("invalid_plan");
		assertThat(fieldsOf(response)).containsExactly("key");
	}

	@Test
	void planThatIsNotAJsonObjectIsRefused() {
		// when
		var response = api.post("/v1/admin/plans", "[1, 2]");

		// then
		assertThat(response.status()).isEqualTo(422);
		assertThat(response.code()).isEqualTo("invalid_plan");
	}

	@Test
	void planNameTooLongToStoreIsRefusedAsInvalidNotAsAServerError() {
		// given
		String key = uniqueKey("longname");
		String body = """
				{"key": "%s", "name": "%s", "price": 100}
				""".formatted(key, "n".repeat(300));

		// when
		var response = api.post("/v1/admin/plans", body);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(422);
		assertThat(response.code()).isEqualTo("invalid_plan");
		assertThat(fieldsOf(response)).containsExactly("name");
		assertPlanDoesNotExist(key);
	}

	@Test
	void rateMultiplierTooLargeToStoreIsRefusedAsInvalidNotAsAServerError() {
		// given
		String key = uniqueKey("hugerate");
		String body = """
				{"key": "%s", "price": 100, "rateMultiplier": 1000000000000}
				""".formatted(key);

		// when
		var response = api.post("/v1/admin/plans", body);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(422);
		assertThat(response.code()).isEqualTo("invalid_plan");
		assertThat(fieldsOf(response)).containsExactly("rateMultiplier");
		assertPlanDoesNotExist(key);
	}

	@Test
	void malformedJsonIsRefusedAndCreatesNothing() {
		// given
		String key = uniqueKey("malformed");

		// when
		var response = api.post("/v1/admin/plans", "{\"key\": \"" + key + "\", \"price\": ");

		// then
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("malformed_json");
		assertPlanDoesNotExist(key);
	}

	@Test
	void bodyWithTrailingTextAfterTheObjectIsRefusedAsMalformed() {
		// given
		String key = uniqueKey("trailing");

		// when
		var response = api.post("/v1/admin/plans", "{\"key\": \"" + key + "\", \"price\": 0} {\"price\": 1}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("malformed_json");
		assertPlanDoesNotExist(key);
	}

	@Test
	void emptyBodyIsRefusedAsMalformed() {
		// when
		var response = api.post("/v1/admin/plans", "");

		// then
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("malformed_json");
	}

	@Test
	void creatingAPlanWithoutAKeyIsRefusedAndCreatesNothing() {
		// given
		String key = uniqueKey("nokey");

		// when
		var noKey = anonymous.post("/v1/admin/plans", planJson(key, 1900, 3));
		var badKey = api.withKey("pg_sk_000000000000000000000000000000000000")
			.post("/v1/admin/plans", planJson(key, 1900, 3));

		// then
		assertThat(noKey.status()).isEqualTo(401);
		assertThat(noKey.code()).isEqualTo("unauthenticated");
		assertThat(badKey.status()).isEqualTo(401);
		assertThat(badKey.code()).isEqualTo("unauthenticated");
		assertPlanDoesNotExist(key);
	}

	@Test
	void everyAdminPlanEndpointRequiresAKey() {
		// given
		String key = createPlan("guarded", 1900, 3);

		// when
		var responses = List.of(anonymous.get("/v1/admin/plans"),
				anonymous.put("/v1/admin/plans/" + key, planJson(key, 1, 1)),
				anonymous.get("/v1/admin/plans/" + key + "/versions"),
				anonymous.post("/v1/admin/plans/" + key + "/archive", null),
				anonymous.post("/v1/admin/plans/" + key + "/activate", null),
				anonymous.post("/v1/admin/plans/" + key + "/migrations", "{}"),
				anonymous.get("/v1/admin/audit-events?targetType=plan&targetId=" + key));

		// then
		assertThat(responses).allSatisfy(r -> {
			assertThat(r.status()).as(r.toString()).isEqualTo(401);
			assertThat(r.code()).isEqualTo("unauthenticated");
		});
		var plan = anonymous.get("/v1/plans/" + key).body();
		assertThat(plan.path("version").asInt()).isEqualTo(1);
		assertThat(plan.path("status").asString()).isEqualTo("active");
		assertThat(plan.path("price").path("amount").asLong()).isEqualTo(1900);
	}

	// update and versions

	@Test
	void changingAPlanCreatesVersionTwoAndKeepsVersionOneReadable() {
		// given
		String key = createPlan("changed", 1900, 3);

		// when
		var response = api.put("/v1/admin/plans/" + key, planJson(key, 2400, 5));

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("version").asInt()).isEqualTo(2);
		assertThat(response.body().path("current").asBoolean()).isTrue();
		assertThat(response.body().path("price").path("amount").asLong()).isEqualTo(2400);
		var current = anonymous.get("/v1/plans/" + key).body();
		assertThat(current.path("version").asInt()).isEqualTo(2);
		assertThat(current.path("entitlements").path("seats").path("limit").asLong()).isEqualTo(5);
		var first = anonymous.get("/v1/plans/" + key + "?version=1");
		assertThat(first.status()).isEqualTo(200);
		assertThat(first.body().path("version").asInt()).isEqualTo(1);
		assertThat(first.body().path("current").asBoolean()).isFalse();
		assertThat(first.body().path("price").path("amount").asLong()).isEqualTo(1900);
		assertThat(first.body().path("entitlements").path("seats").path("limit").asLong()).isEqualTo(3);
	}

	@Test
	void versionsListsEveryVersionOldestFirstWithTheCurrentMarked() {
		// given
		String key = createPlan("versions", 1900, 3);
		update(key, 2400, 5);
		update(key, 2900, 8);

		// when
		var response = api.get("/v1/admin/plans/" + key + "/versions");

		// then
		assertThat(response.status()).isEqualTo(200);
		var versions = response.body().path("data");
		assertThat(versions.valueStream().map(v -> v.path("version").asInt())).containsExactly(1, 2, 3);
		assertThat(versions.valueStream().map(v -> v.path("price").path("amount").asLong())).containsExactly(1900L,
				2400L, 2900L);
		assertThat(versions.valueStream().map(v -> v.path("current").asBoolean())).containsExactly(false, false, true);
	}

	@Test
	void identicalBodyCreatesNoVersion() {
		// given
		String key = createPlan("same", 1900, 3);

		// when
		var response = api.put("/v1/admin/plans/" + key, planJson(key, 1900, 3));

		// then
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body().path("version").asInt()).isEqualTo(1);
		assertThat(versionsOf(key)).containsExactly(1);
		assertThat(auditActionsOf(key)).containsExactly("plan.created");
	}

	@Test
	void identicalBodyWithoutKeyCreatesNoVersion() {
		// given
		String key = createPlan("samenokey", 1900, 3);
		String withoutKey = planJson(key, 1900, 3).replace("\"key\": \"" + key + "\", ", "");

		// when
		var response = api.put("/v1/admin/plans/" + key, withoutKey);

		// then
		assertThat(withoutKey).doesNotContain(key);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("version").asInt()).isEqualTo(1);
		assertThat(versionsOf(key)).containsExactly(1);
	}

	@Test
	void identicalBodyWithAFractionalRateMultiplierCreatesNoVersion() {
		// given
		String key = uniqueKey("fraction");
		String body = """
				{"key": "%s", "price": 500, "rateMultiplier": 1.5}
				""".formatted(key);
		assertThat(api.post("/v1/admin/plans", body).status()).isEqualTo(201);

		// when
		var response = api.put("/v1/admin/plans/" + key, body);

		// then
		assertThat(response.status()).isEqualTo(200);
		assertThat(versionsOf(key)).containsExactly(1);
	}

	@Test
	void rateMultiplierWithMoreDecimalsThanStoredIsRefusedRatherThanRounded() {
		// given
		String key = uniqueKey("roundrate");
		String body = """
				{"key": "%s", "price": 500, "rateMultiplier": 1.23456}
				""".formatted(key);

		// when
		var response = api.post("/v1/admin/plans", body);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(422);
		assertThat(response.code()).isEqualTo("invalid_plan");
		assertThat(fieldsOf(response)).containsExactly("rateMultiplier");
		assertPlanDoesNotExist(key);
	}

	@Test
	void rateMultiplierIsKeptAsGivenSoThatAnIdenticalChangeCreatesNoVersion() {
		// given
		String key = uniqueKey("finerate");
		String body = """
				{"key": "%s", "price": 500, "rateMultiplier": 1.2345}
				""".formatted(key);
		assertThat(api.post("/v1/admin/plans", body).status()).isEqualTo(201);

		// when
		var read = anonymous.get("/v1/plans/" + key);
		var response = api.put("/v1/admin/plans/" + key, body);

		// then
		assertThat(read.body().path("rateMultiplier").decimalValue()).isEqualByComparingTo("1.2345");
		assertThat(response.status()).isEqualTo(200);
		assertThat(versionsOf(key)).containsExactly(1);
	}

	@Test
	void keyInBodyDifferentFromThePathIsRefusedAndChangesNothing() {
		// given
		String key = createPlan("mismatch", 1900, 3);
		String other = uniqueKey("other");

		// when
		var response = api.put("/v1/admin/plans/" + key, planJson(other, 2400, 5));

		// then
		assertThat(response.status()).isEqualTo(422);
		assertThat(response.code()).isEqualTo("invalid_plan");
		assertThat(fieldsOf(response)).containsExactly("key");
		assertThat(versionsOf(key)).containsExactly(1);
		assertThat(anonymous.get("/v1/plans/" + key).body().path("price").path("amount").asLong()).isEqualTo(1900);
		assertPlanDoesNotExist(other);
	}

	@Test
	void changingAnUnknownPlanIsNotFoundAndCreatesNothing() {
		// given
		String key = uniqueKey("ghost");

		// when
		var response = api.put("/v1/admin/plans/" + key, planJson(key, 1900, 3));

		// then
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("plan_not_found");
		assertPlanDoesNotExist(key);
	}

	@Test
	void invalidChangeIsRefusedNamingTheFieldAndChangesNothing() {
		// given
		String key = createPlan("badchange", 1900, 3);
		String body = planJson(key, 1900, 3).replace("\"seats\": 3", "\"seats\": \"ten\"");

		// when
		var response = api.put("/v1/admin/plans/" + key, body);

		// then
		assertThat(response.status()).isEqualTo(422);
		assertThat(response.code()).isEqualTo("invalid_plan");
		assertThat(fieldsOf(response)).containsExactly("entitlements.seats");
		assertThat(versionsOf(key)).containsExactly(1);
		assertThat(auditActionsOf(key)).containsExactly("plan.created");
	}

	@Test
	void malformedChangeIsRefusedAndChangesNothing() {
		// given
		String key = createPlan("badjson", 1900, 3);

		// when
		var response = api.put("/v1/admin/plans/" + key, "{\"price\": 2400,");

		// then
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("malformed_json");
		assertThat(versionsOf(key)).containsExactly(1);
	}

	@Test
	void versionsOfAnUnknownPlanIsNotFound() {
		// when
		var response = api.get("/v1/admin/plans/" + uniqueKey("ghost") + "/versions");

		// then
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("plan_not_found");
	}

	@Test
	void unknownPlanOrVersionIsNotFoundOnThePublicRead() {
		// given
		String key = createPlan("oneversion", 1900, 3);

		// when
		var unknownPlan = anonymous.get("/v1/plans/" + uniqueKey("ghost"));
		var unknownVersion = anonymous.get("/v1/plans/" + key + "?version=7");

		// then
		assertThat(unknownPlan.status()).isEqualTo(404);
		assertThat(unknownPlan.code()).isEqualTo("plan_not_found");
		assertThat(unknownVersion.status()).isEqualTo(404);
		assertThat(unknownVersion.code()).isEqualTo("plan_version_not_found");
	}

	@Test
	void versionThatIsNotAPositiveWholeNumberIsABadRequest() {
		// given
		String key = createPlan("badversion", 1900, 3);

		// when
		var zeroVersion = anonymous.get("/v1/plans/" + key + "?version=0");
		var textVersion = anonymous.get("/v1/plans/" + key + "?version=latest");

		// then
		assertThat(zeroVersion.status()).as(zeroVersion.toString()).isEqualTo(400);
		assertThat(zeroVersion.code()).isEqualTo("invalid_request");
		assertThat(fieldsOf(zeroVersion)).containsExactly("version");
		assertThat(textVersion.status()).isEqualTo(400);
		assertThat(textVersion.code()).isEqualTo("invalid_request");
		assertThat(fieldsOf(textVersion)).containsExactly("version");
	}

	@Test
	void planKeyBreakingThePatternInThePathIsABadRequest() {
		// when
		var publicRead = anonymous.get("/v1/plans/Bad-Key");
		var versions = api.get("/v1/admin/plans/Bad-Key/versions");
		var archive = api.post("/v1/admin/plans/Bad-Key/archive", null);
		var update = api.put("/v1/admin/plans/Bad-Key", "{\"price\": 0}");
		var migrate = api.post("/v1/admin/plans/Bad-Key/migrations", "{}");

		// then
		assertThat(List.of(publicRead, versions, archive, update, migrate)).allSatisfy(r -> {
			assertThat(r.status()).as(r.toString()).isEqualTo(400);
			assertThat(r.code()).isEqualTo("invalid_request");
			assertThat(fieldsOf(r)).containsExactly("key");
		});
	}

	// archive and activate

	@Test
	void archivedPlanLeavesThePublicListButStaysReadableByKey() {
		// given
		String key = createPlan("archived", 1900, 3);

		// when
		var response = api.post("/v1/admin/plans/" + key + "/archive", null);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("status").asString()).isEqualTo("archived");
		assertThat(keysOf(anonymous.get("/v1/plans").body().path("data"))).doesNotContain(key).contains("free");
		var byKey = anonymous.get("/v1/plans/" + key);
		assertThat(byKey.status()).isEqualTo(200);
		assertThat(byKey.body().path("status").asString()).isEqualTo("archived");
		var admin = api.get("/v1/admin/plans").body().path("data");
		assertThat(admin.valueStream().filter(p -> p.path("key").asString().equals(key))).singleElement()
			.satisfies(p -> assertThat(p.path("status").asString()).isEqualTo("archived"));
	}

	@Test
	void customerCannotMoveToAnArchivedPlanAndKeepsItsSubscription() {
		// given
		String key = createPlan("closed", 1900, 3);
		archive(key);
		String customer = newCustomer("closed");
		var before = subscriptionOf(customer);

		// when
		var response = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\": \"" + key + "\"}");

		// then
		assertThat(response.status()).isEqualTo(409);
		assertThat(response.code()).isEqualTo("plan_archived");
		assertThat(fieldsOf(response)).containsExactly("plan");
		var after = subscriptionOf(customer);
		assertThat(after).isEqualTo(before);
		assertThat(after.path("plan").path("key").asString()).isEqualTo("free");
	}

	@Test
	void customerAlreadyOnAPlanKeepsItWhenItIsArchived() {
		// given
		String key = createPlan("kept", 1900, 3);
		String customer = newCustomer("kept");
		subscribe(customer, key);

		// when
		archive(key);

		// then
		var subscription = subscriptionOf(customer);
		assertThat(subscription.path("plan").path("key").asString()).isEqualTo(key);
		assertThat(subscription.path("plan").path("version").asInt()).isEqualTo(1);
		assertThat(subscription.path("status").asString()).isEqualTo("active");
		var seats = api.get("/v1/customers/" + customer + "/entitlements").body().path("features").path("seats");
		assertThat(seats.path("limit").asLong()).isEqualTo(3);
		assertThat(seats.path("source").asString()).isEqualTo("plan");
	}

	@Test
	void activatingAnArchivedPlanMakesItChoosableAgain() {
		// given
		String key = createPlan("reopened", 1900, 3);
		archive(key);
		String customer = newCustomer("reopened");

		// when
		var response = api.post("/v1/admin/plans/" + key + "/activate", null);

		// then
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body().path("status").asString()).isEqualTo("active");
		assertThat(keysOf(anonymous.get("/v1/plans").body().path("data"))).contains(key);
		var moved = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\": \"" + key + "\"}");
		assertThat(moved.status()).as(moved.toString()).isEqualTo(200);
		assertThat(subscriptionOf(customer).path("plan").path("key").asString()).isEqualTo(key);
	}

	@Test
	void archivingTheDefaultPlanIsRefusedAndChangesNothing() {
		// when
		var response = api.post("/v1/admin/plans/free/archive", null);

		// then
		assertThat(response.status()).isEqualTo(409);
		assertThat(response.code()).isEqualTo("default_plan_required");
		var free = anonymous.get("/v1/plans/free").body();
		assertThat(free.path("status").asString()).isEqualTo("active");
		assertThat(free.path("isDefault").asBoolean()).isTrue();
		assertThat(keysOf(anonymous.get("/v1/plans").body().path("data"))).contains("free");
		assertThat(auditActionsOf("free")).doesNotContain("plan.archived");
	}

	@Test
	void archivingOrActivatingAnUnknownPlanIsNotFound() {
		// given
		String key = uniqueKey("ghost");

		// when
		var archive = api.post("/v1/admin/plans/" + key + "/archive", null);
		var activate = api.post("/v1/admin/plans/" + key + "/activate", null);

		// then
		assertThat(archive.status()).isEqualTo(404);
		assertThat(archive.code()).isEqualTo("plan_not_found");
		assertThat(activate.status()).isEqualTo(404);
		assertThat(activate.code()).isEqualTo("plan_not_found");
		assertPlanDoesNotExist(key);
	}

	@Test
	void archivingAnArchivedPlanAgainChangesNothing() {
		// given
		String key = createPlan("twice", 1900, 3);
		archive(key);

		// when
		var response = api.post("/v1/admin/plans/" + key + "/archive", null);

		// then
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body().path("status").asString()).isEqualTo("archived");
		assertThat(auditActionsOf(key)).containsExactly("plan.archived", "plan.created");
	}

	// grandfathering and migrations

	@Test
	void subscriberStaysOnItsVersionWhenThePlanChangesUntilMigrated() {
		// given
		String key = createPlan("grandfather", 1900, 3);
		String customer = newCustomer("grandfather");
		subscribe(customer, key);
		var subscribed = subscriptionOf(customer);

		// when
		update(key, 2400, 5);

		// then
		assertThat(subscriptionOf(customer).path("plan").path("version").asInt()).isEqualTo(1);
		assertThat(seatsOf(customer)).isEqualTo(3);

		// when
		var migration = api.post("/v1/admin/plans/" + key + "/migrations", "{}");

		// then
		assertThat(migration.status()).as(migration.toString()).isEqualTo(200);
		assertThat(migration.body().path("plan").asString()).isEqualTo(key);
		assertThat(migration.body().path("toVersion").asInt()).isEqualTo(2);
		assertThat(migration.body().path("migrated").asInt()).isEqualTo(1);
		assertThat(strings(migration.body().path("customerIds"))).containsExactly(customer);
		var migrated = subscriptionOf(customer);
		assertThat(migrated.path("plan").path("version").asInt()).isEqualTo(2);
		assertThat(migrated.path("plan").path("price").path("amount").asLong()).isEqualTo(2400);
		assertThat(migrated.path("currentPeriodStart")).isEqualTo(subscribed.path("currentPeriodStart"));
		assertThat(migrated.path("currentPeriodEnd")).isEqualTo(subscribed.path("currentPeriodEnd"));
		assertThat(seatsOf(customer)).isEqualTo(5);
	}

	@Test
	void customerChoosingItsOwnPlanAgainMovesToTheNewestVersion() {
		// given
		String key = createPlan("rechoose", 1900, 3);
		String customer = newCustomer("rechoose");
		subscribe(customer, key);
		update(key, 2400, 5);

		// when
		var response = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\": \"" + key + "\"}");

		// then
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body().path("plan").path("version").asInt()).isEqualTo(2);
		assertThat(seatsOf(customer)).isEqualTo(5);
	}

	@Test
	void migrationFromOneVersionMovesOnlyItsSubscribers() {
		// given
		String key = createPlan("fromversion", 1900, 3);
		String onFirst = newCustomer("first");
		subscribe(onFirst, key);
		update(key, 2400, 5);
		String onSecond = newCustomer("second");
		subscribe(onSecond, key);
		update(key, 2900, 8);

		// when
		var migration = api.post("/v1/admin/plans/" + key + "/migrations", "{\"fromVersion\": 1}");

		// then
		assertThat(migration.status()).as(migration.toString()).isEqualTo(200);
		assertThat(migration.body().path("toVersion").asInt()).isEqualTo(3);
		assertThat(strings(migration.body().path("customerIds"))).containsExactly(onFirst);
		assertThat(versionOf(onFirst)).isEqualTo(3);
		assertThat(versionOf(onSecond)).isEqualTo(2);
	}

	@Test
	void migrationOfNamedCustomersMovesOnlyThem() {
		// given
		String key = createPlan("named", 1900, 3);
		String chosen = newCustomer("chosen");
		String other = newCustomer("other");
		subscribe(chosen, key);
		subscribe(other, key);
		update(key, 2400, 5);

		// when
		var migration = api.post("/v1/admin/plans/" + key + "/migrations", "{\"customerIds\": [\"" + chosen + "\"]}");

		// then
		assertThat(migration.status()).as(migration.toString()).isEqualTo(200);
		assertThat(migration.body().path("migrated").asInt()).isEqualTo(1);
		assertThat(strings(migration.body().path("customerIds"))).containsExactly(chosen);
		assertThat(versionOf(chosen)).isEqualTo(2);
		assertThat(versionOf(other)).isEqualTo(1);
	}

	@Test
	void migrationToAnOlderVersionMovesSubscribersBack() {
		// given
		String key = createPlan("rollback", 1900, 3);
		update(key, 2400, 5);
		String customer = newCustomer("rollback");
		subscribe(customer, key);

		// when
		var migration = api.post("/v1/admin/plans/" + key + "/migrations", "{\"toVersion\": 1}");

		// then
		assertThat(migration.status()).as(migration.toString()).isEqualTo(200);
		assertThat(migration.body().path("toVersion").asInt()).isEqualTo(1);
		assertThat(strings(migration.body().path("customerIds"))).containsExactly(customer);
		assertThat(versionOf(customer)).isEqualTo(1);
		assertThat(seatsOf(customer)).isEqualTo(3);
	}

	@Test
	void migrationWithNobodyToMoveMovesNobody() {
		// given
		String key = createPlan("nobody", 1900, 3);
		String customer = newCustomer("nobody");
		subscribe(customer, key);

		// when
		var migration = api.post("/v1/admin/plans/" + key + "/migrations", "{}");

		// then
		assertThat(migration.status()).isEqualTo(200);
		assertThat(migration.body().path("migrated").asInt()).isZero();
		assertThat(versionOf(customer)).isEqualTo(1);
	}

	@Test
	void migrationToAnUnknownVersionIsNotFoundAndMovesNobody() {
		// given
		String key = createPlan("unknownto", 1900, 3);
		String customer = newCustomer("unknownto");
		subscribe(customer, key);
		update(key, 2400, 5);

		// when
		var response = api.post("/v1/admin/plans/" + key + "/migrations", "{\"toVersion\": 9}");

		// then
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("plan_version_not_found");
		assertThat(versionOf(customer)).isEqualTo(1);
		assertThat(auditActionsOf(key)).doesNotContain("plan.subscribers_migrated");
	}

	@Test
	void migrationFromAnUnknownVersionIsNotFoundAndMovesNobody() {
		// given
		String key = createPlan("unknownfrom", 1900, 3);
		String customer = newCustomer("unknownfrom");
		subscribe(customer, key);
		update(key, 2400, 5);

		// when
		var response = api.post("/v1/admin/plans/" + key + "/migrations", "{\"fromVersion\": 9}");

		// then
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("plan_version_not_found");
		assertThat(versionOf(customer)).isEqualTo(1);
	}

	@Test
	void migrationOfAnUnknownPlanIsNotFound() {
		// when
		var response = api.post("/v1/admin/plans/" + uniqueKey("ghost") + "/migrations", "{}");

		// then
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("plan_not_found");
	}

	@Test
	void invalidMigrationRequestIsRefusedNamingTheFieldAndMovesNobody() {
		// given
		String key = createPlan("badmigration", 1900, 3);
		String customer = newCustomer("badmigration");
		subscribe(customer, key);
		update(key, 2400, 5);

		// when
		var zeroTo = api.post("/v1/admin/plans/" + key + "/migrations", "{\"toVersion\": 0}");
		var zeroFrom = api.post("/v1/admin/plans/" + key + "/migrations", "{\"fromVersion\": 0}");
		var noCustomers = api.post("/v1/admin/plans/" + key + "/migrations", "{\"customerIds\": []}");
		var textVersion = api.post("/v1/admin/plans/" + key + "/migrations", "{\"toVersion\": \"two\"}");
		var unknownField = api.post("/v1/admin/plans/" + key + "/migrations", "{\"version\": 2}");
		var malformed = api.post("/v1/admin/plans/" + key + "/migrations", "{\"toVersion\": ");

		// then
		assertThat(zeroTo.status()).isEqualTo(400);
		assertThat(zeroTo.code()).isEqualTo("invalid_request");
		assertThat(fieldsOf(zeroTo)).containsExactly("toVersion");
		assertThat(zeroFrom.status()).isEqualTo(400);
		assertThat(fieldsOf(zeroFrom)).containsExactly("fromVersion");
		assertThat(noCustomers.status()).isEqualTo(400);
		assertThat(noCustomers.code()).isEqualTo("invalid_request");
		assertThat(fieldsOf(noCustomers)).containsExactly("customerIds");
		assertThat(textVersion.status()).isEqualTo(400);
		assertThat(textVersion.code()).isEqualTo("invalid_request");
		assertThat(fieldsOf(textVersion)).containsExactly("toVersion");
		assertThat(unknownField.status()).isEqualTo(400);
		assertThat(unknownField.code()).isEqualTo("invalid_request");
		assertThat(fieldsOf(unknownField)).containsExactly("version");
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(malformed.code()).isEqualTo("malformed_json");
		assertThat(versionOf(customer)).isEqualTo(1);
	}

	// audit

	@Test
	void everyAdminChangeOfAPlanIsAuditedWithTheCallingKey() {
		// given
		String key = createPlan("audited", 1900, 3);
		String customer = newCustomer("audited");
		subscribe(customer, key);
		update(key, 2400, 5);
		archive(key);
		assertThat(api.post("/v1/admin/plans/" + key + "/activate", null).status()).isEqualTo(200);
		assertThat(api.post("/v1/admin/plans/" + key + "/migrations", "{}").status()).isEqualTo(200);

		// when
		var response = api.get("/v1/admin/audit-events?targetType=plan&targetId=" + key);

		// then
		assertThat(response.status()).isEqualTo(200);
		var events = response.body().path("data");
		assertThat(events.valueStream().map(e -> e.path("action").asString())).containsExactly(
				"plan.subscribers_migrated", "plan.activated", "plan.archived", "plan.version_created", "plan.created");
		assertThat(events.valueStream()).allSatisfy(e -> {
			assertThat(e.path("actor").asString()).matches(ACTOR);
			assertThat(e.path("targetType").asString()).isEqualTo("plan");
			assertThat(e.path("targetId").asString()).isEqualTo(key);
		});
		var created = event(events, "plan.created");
		assertThat(created.path("before").isMissingNode() || created.path("before").isNull()).isTrue();
		assertThat(created.path("after").path("price").asLong()).isEqualTo(1900);
		var changed = event(events, "plan.version_created");
		assertThat(changed.path("before").path("price").asLong()).isEqualTo(1900);
		assertThat(changed.path("after").path("price").asLong()).isEqualTo(2400);
		var archived = event(events, "plan.archived");
		assertThat(archived.path("before").asString()).isEqualTo("active");
		assertThat(archived.path("after").asString()).isEqualTo("archived");
		var migrated = event(events, "plan.subscribers_migrated");
		assertThat(migrated.path("after").path("toVersion").asInt()).isEqualTo(2);
		assertThat(migrated.path("after").path("customers").asInt()).isEqualTo(1);
	}

	@Test
	void refusedChangesAreNotAudited() {
		// given
		String key = createPlan("unaudited", 1900, 3);

		// when
		api.post("/v1/admin/plans", planJson(key, 1, 1));
		api.put("/v1/admin/plans/" + key, planJson(uniqueKey("other"), 1, 1));
		api.put("/v1/admin/plans/" + key, "{\"price\": -1}");
		api.post("/v1/admin/plans/" + key + "/migrations", "{\"toVersion\": 9}");
		anonymous.post("/v1/admin/plans/" + key + "/archive", null);

		// then
		assertThat(auditActionsOf(key)).containsExactly("plan.created");
	}

	// helpers

	/** A plan in the catalog file's form naming features of the default catalog. */
	private static String planJson(String key, long price, int seats) {
		return """
				{"key": "%s", "name": "Team", "description": "For small teams", "price": %d, "interval": "month",
				 "entitlements": {"api_access": true, "seats": %d,
				                  "api_calls": {"limit": 5000, "overage": {"price": 2, "per": 100}},
				                  "concurrent_jobs": "unlimited", "support": "email", "retention_days": 30}}
				""".formatted(key, price, seats);
	}

	private String createPlan(String prefix, long price, int seats) {
		String key = uniqueKey(prefix);
		var response = api.post("/v1/admin/plans", planJson(key, price, seats));
		assertThat(response.status()).as("creating plan %s: %s", key, response).isEqualTo(201);
		return key;
	}

	private void update(String key, long price, int seats) {
		var response = api.put("/v1/admin/plans/" + key, planJson(key, price, seats));
		assertThat(response.status()).as("changing plan %s: %s", key, response).isEqualTo(200);
	}

	private void archive(String key) {
		var response = api.post("/v1/admin/plans/" + key + "/archive", null);
		assertThat(response.status()).as("archiving plan %s: %s", key, response).isEqualTo(200);
	}

	private void subscribe(String customer, String plan) {
		var response = api.post("/v1/customers/" + customer + "/subscription", "{\"plan\": \"" + plan + "\"}");
		assertThat(response.status()).as("subscribing %s to %s: %s", customer, plan, response).isEqualTo(200);
	}

	private JsonNode subscriptionOf(String customer) {
		var response = api.get("/v1/customers/" + customer + "/subscription");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private int versionOf(String customer) {
		return subscriptionOf(customer).path("plan").path("version").asInt();
	}

	private long seatsOf(String customer) {
		return api.get("/v1/customers/" + customer + "/entitlements")
			.body()
			.path("features")
			.path("seats")
			.path("limit")
			.asLong();
	}

	private List<Integer> versionsOf(String key) {
		var response = api.get("/v1/admin/plans/" + key + "/versions");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data").valueStream().map(v -> v.path("version").asInt()).toList();
	}

	private List<String> auditActionsOf(String key) {
		var response = api.get("/v1/admin/audit-events?targetType=plan&targetId=" + key);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data").valueStream().map(e -> e.path("action").asString()).toList();
	}

	private void assertPlanDoesNotExist(String key) {
		var response = anonymous.get("/v1/plans/" + key);
		assertThat(response.status()).as("plan %s should not exist: %s", key, response).isEqualTo(404);
		assertThat(response.code()).isEqualTo("plan_not_found");
		assertThat(keysOf(api.get("/v1/admin/plans").body().path("data"))).doesNotContain(key);
		assertThat(auditActionsOf(key)).isEmpty();
	}

	private static List<String> keysOf(JsonNode plans) {
		return plans.valueStream().map(p -> p.path("key").asString()).toList();
	}

	private static List<String> fieldsOf(Api.Response response) {
		return response.body().path("errors").valueStream().map(e -> e.path("field").asString()).toList();
	}

	private static String messageOf(Api.Response response, String field) {
		return response.body()
			.path("errors")
			.valueStream()
			.filter(e -> e.path("field").asString().equals(field))
			.map(e -> e.path("message").asString())
			.findFirst()
			.orElseThrow(() -> new AssertionError("no error for field " + field + " in " + response));
	}

	private static List<String> strings(JsonNode array) {
		var result = new ArrayList<String>();
		array.valueStream().forEach(n -> result.add(n.asString()));
		return result;
	}

	private static JsonNode event(JsonNode events, String action) {
		return events.valueStream()
			.filter(e -> e.path("action").asString().equals(action))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + action + " event in " + events));
	}

}

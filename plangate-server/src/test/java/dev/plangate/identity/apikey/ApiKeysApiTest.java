package dev.plangate.identity.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

class ApiKeysApiTest extends ServerTest {

	@Test
	void createdKeyShowsItsSecretOnce() {
		// when
		var response = api.post("/v1/api-keys", "{\"name\":\"ci\"}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		var body = response.body();
		var secret = body.path("secret").asString();
		assertThat(secret).matches("pg_sk_[0-9A-Za-z]{36}");
		assertThat(ApiKeySecret.parse(secret)).isPresent();
		assertThat(UUID.fromString(body.path("id").asString())).isNotNull();
		assertThat(body.path("name").asString()).isEqualTo("ci");
		assertThat(body.path("prefix").asString()).isEqualTo(secret.substring(0, 12));
		assertThat(body.path("status").asString()).isEqualTo("active");
		assertThat(body.path("createdAt").asString()).isNotBlank();
		assertThat(body.path("createdBy").asString()).startsWith("api_key:pg_sk_");
		assertThat(body.has("revokedAt")).isFalse();
		assertThat(body.has("lastUsedAt")).isFalse();
	}

	@Test
	void createdKeyNameIsStripped() {
		// when
		var response = api.post("/v1/api-keys", "{\"name\":\"  deploy bot  \"}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		assertThat(response.body().path("name").asString()).isEqualTo("deploy bot");
	}

	@Test
	void twoCreatedKeysHaveDifferentSecretsAndIds() {
		// when
		var first = createKey("ci");
		var second = createKey("ci");

		// then
		assertThat(first.path("secret").asString()).isNotEqualTo(second.path("secret").asString());
		assertThat(first.path("id").asString()).isNotEqualTo(second.path("id").asString());
	}

	@Test
	void keyListNeverContainsASecret() {
		// given
		var created = createKey("ci");
		var secret = created.path("secret").asString();

		// when
		var list = api.get("/v1/api-keys");

		// then
		assertThat(list.status()).isEqualTo(200);
		assertThat(list.text()).doesNotContain(secret)
			.doesNotContain(secret.substring(12))
			.doesNotContainIgnoringCase("secret");
		var listed = find(list.body().path("data"), created.path("id").asString());
		assertThat(listed.path("name").asString()).isEqualTo("ci");
		assertThat(listed.path("prefix").asString()).isEqualTo(secret.substring(0, 12));
		assertThat(listed.path("status").asString()).isEqualTo("active");
	}

	@Test
	void replayedCreationWithTheSameIdempotencyKeyNeverShowsTheSecretAgain() {
		// given
		var idempotencyKey = UUID.randomUUID().toString();
		var request = Api.json(Map.of("name", "replayed-" + idempotencyKey));
		var first = api.send("POST", "/v1/api-keys", request, Map.of("Idempotency-Key", idempotencyKey));
		assertThat(first.status()).as(first.toString()).isEqualTo(201);
		var secret = first.body().path("secret").asString();

		// when
		var replay = api.send("POST", "/v1/api-keys", request, Map.of("Idempotency-Key", idempotencyKey));

		// then
		assertThat(replay.status()).isEqualTo(201);
		assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
		assertThat(replay.body().path("id").asString()).isEqualTo(first.body().path("id").asString());
		assertThat(replay.text()).doesNotContain(secret)
			.doesNotContain(secret.substring(12))
			.doesNotContainIgnoringCase("\"secret\"");
		var named = api.get("/v1/api-keys")
			.body()
			.path("data")
			.valueStream()
			.filter(k -> k.path("name").asString().equals("replayed-" + idempotencyKey));
		assertThat(named).as("keys created").hasSize(1);
		assertThat(api.withKey(secret).get("/v1/api-keys").status()).isEqualTo(200);
	}

	@Test
	void createdKeyAuthenticates() {
		// given
		var secret = createKey("ci").path("secret").asString();

		// when
		var response = api.withKey(secret).get("/v1/api-keys");

		// then
		assertThat(response.status()).isEqualTo(200);
	}

	@Test
	void keyCreatedByAnotherKeyNamesItsCreator() {
		// given
		var creator = createKey("creator");
		var creatorClient = api.withKey(creator.path("secret").asString());

		// when
		var created = creatorClient.post("/v1/api-keys", "{\"name\":\"child\"}");

		// then
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.body().path("createdBy").asString())
			.isEqualTo("api_key:" + creator.path("prefix").asString());
	}

	@Test
	void revokedKeyIsRefusedAtOnce() {
		// given
		var created = createKey("ci");
		var key = api.withKey(created.path("secret").asString());
		assertThat(key.get("/v1/api-keys").status()).isEqualTo(200);

		// when
		var revoked = api.delete("/v1/api-keys/" + created.path("id").asString());

		// then
		assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
		assertThat(revoked.body().path("status").asString()).isEqualTo("revoked");
		assertThat(revoked.body().path("revokedAt").asString()).isNotBlank();
		assertThat(revoked.text()).doesNotContainIgnoringCase("secret");
		var refused = key.get("/v1/api-keys");
		assertThat(refused.status()).isEqualTo(401);
		assertThat(refused.code()).isEqualTo("unauthenticated");
		assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer");
	}

	@Test
	void revokedKeyIsListedAsRevoked() {
		// given
		var created = createKey("ci");
		var id = created.path("id").asString();

		// when
		api.delete("/v1/api-keys/" + id);

		// then
		var listed = find(api.get("/v1/api-keys").body().path("data"), id);
		assertThat(listed.path("status").asString()).isEqualTo("revoked");
		assertThat(listed.path("revokedAt").asString()).isNotBlank();
	}

	@Test
	void revokedKeyCanNeitherCreateNorRevokeKeys() {
		// given
		var created = createKey("ci");
		var victim = createKey("victim");
		var key = api.withKey(created.path("secret").asString());
		api.delete("/v1/api-keys/" + created.path("id").asString());

		// when
		var create = key.post("/v1/api-keys", "{\"name\":\"sneaky\"}");
		var revoke = key.delete("/v1/api-keys/" + victim.path("id").asString());

		// then
		assertThat(create.status()).isEqualTo(401);
		assertThat(revoke.status()).isEqualTo(401);
		assertThat(find(api.get("/v1/api-keys").body().path("data"), victim.path("id").asString()).path("status")
			.asString()).isEqualTo("active");
	}

	@Test
	void revokingAKeyAgainIsHarmless() {
		// given
		var created = createKey("ci");
		var id = created.path("id").asString();
		var first = api.delete("/v1/api-keys/" + id);

		// when
		var second = api.delete("/v1/api-keys/" + id);

		// then
		assertThat(second.status()).as(second.toString()).isEqualTo(200);
		assertThat(second.body().path("status").asString()).isEqualTo("revoked");
		assertThat(second.body().path("revokedAt").asString()).isEqualTo(first.body().path("revokedAt").asString());
		assertThat(auditEvents(id).stream().filter(e -> e.path("action").asString().equals("api_key.revoked")))
			.hasSize(1);
	}

	@Test
	void revokedKeyIsRefusedAtOnceEvenWhileItIsInUse() throws Exception {
		for (int attempt = 0; attempt < 10; attempt++) {
			// given: a key in constant use by several clients
			var created = createKey("busy");
			var key = api.withKey(created.path("secret").asString());
			var stop = new AtomicBoolean();
			ExecutorService clients = Executors.newFixedThreadPool(6);
			for (int c = 0; c < 6; c++) {
				clients.submit(() -> {
					while (!stop.get()) {
						key.get("/v1/features");
					}
				});
			}
			try {
				Thread.sleep(50);

				// when
				var revoked = api.delete("/v1/api-keys/" + created.path("id").asString());

				// then: every request sent after the answer is refused
				assertThat(revoked.status()).isEqualTo(200);
				for (int probe = 0; probe < 5; probe++) {
					assertThat(key.get("/v1/features").status()).as("attempt %d, probe %d", attempt, probe)
						.isEqualTo(401);
				}
			}
			finally {
				stop.set(true);
				clients.shutdown();
				assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
			}
		}
	}

	@Test
	void revokingAnUnknownKeyAnswersNotFound() {
		// given
		var unknown = UUID.randomUUID().toString();

		// when
		var response = api.delete("/v1/api-keys/" + unknown);

		// then
		assertThat(response.status()).isEqualTo(404);
		assertThat(response.code()).isEqualTo("api_key_not_found");
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.body().path("detail").asString()).contains(unknown);
	}

	@ParameterizedTest
	@ValueSource(strings = { "not-a-uuid", "123", "pg_sk_abc", "00000000-0000-0000-0000-00000000000g" })
	void revokingANonUuidIdAnswersBadRequest(String id) {
		// when
		var response = api.delete("/v1/api-keys/" + id);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("invalid_request");
		assertThat(fields(response)).contains("id");
	}

	@ParameterizedTest
	@ValueSource(
			strings = { "{}", "{\"name\":null}", "{\"name\":\"\"}", "{\"name\":\"   \"}", "{\"name\":\"\\t\\n\"}" })
	void missingOrBlankNameIsRefusedNamingTheField(String body) {
		// given
		int before = keyCount();

		// when
		var response = api.post("/v1/api-keys", body);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("invalid_request");
		assertThat(fields(response)).containsExactly("name");
		assertThat(response.body().path("detail").asString()).contains("'name'");
		assertThat(keyCount()).isEqualTo(before);
	}

	@Test
	void tooLongNameIsRefusedNamingTheField() {
		// given
		int before = keyCount();

		// when
		var response = api.post("/v1/api-keys", "{\"name\":\"" + "n".repeat(201) + "\"}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("invalid_request");
		assertThat(fields(response)).containsExactly("name");
		assertThat(keyCount()).isEqualTo(before);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"name\":5}", "{\"name\":true}", "{\"name\":[\"ci\"]}", "{\"name\":{\"x\":1}}" })
	void nameOfTheWrongTypeIsRefusedNamingTheField(String body) {
		// when
		var response = api.post("/v1/api-keys", body);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("invalid_request");
		assertThat(fields(response)).containsExactly("name");
	}

	@Test
	void unknownFieldIsRefusedNamingIt() {
		// given
		int before = keyCount();

		// when
		var response = api.post("/v1/api-keys", "{\"name\":\"ci\",\"scopes\":[\"all\"]}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("invalid_request");
		assertThat(fields(response)).containsExactly("scopes");
		assertThat(keyCount()).isEqualTo(before);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"name\":", "{name: ci}", "not json", "{\"name\":\"ci\"", "[", "\"ci\"" })
	void malformedJsonIsRefusedAndChangesNothing(String body) {
		// given
		int before = keyCount();

		// when
		var response = api.post("/v1/api-keys", body);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isIn("malformed_json", "invalid_request");
		assertThat(keyCount()).isEqualTo(before);
	}

	@Test
	void syntacticallyBrokenJsonIsRefusedAsMalformed() {
		// when
		var response = api.post("/v1/api-keys", "{\"name\":");

		// then
		assertThat(response.status()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("malformed_json");
	}

	@Test
	void missingBodyIsRefusedAsMalformed() {
		// when
		var response = api.post("/v1/api-keys", "");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isEqualTo("malformed_json");
	}

	@Test
	void lastUsedAtIsSetOnceTheKeyIsUsed() {
		// given
		var created = createKey("ci");
		var id = created.path("id").asString();
		assertThat(find(api.get("/v1/api-keys").body().path("data"), id).has("lastUsedAt")).isFalse();

		// when
		api.withKey(created.path("secret").asString()).get("/v1/features");

		// then
		var listed = find(api.get("/v1/api-keys").body().path("data"), id);
		var lastUsedAt = Instant.parse(listed.path("lastUsedAt").asString());
		assertThat(lastUsedAt).isAfterOrEqualTo(Instant.parse(listed.path("createdAt").asString()))
			.isBeforeOrEqualTo(Instant.now().plusSeconds(5));
	}

	@Test
	void refusedRequestsDoNotSetLastUsedAt() {
		// given
		var created = createKey("ci");
		var id = created.path("id").asString();
		var secret = created.path("secret").asString();
		var wrongChecksum = secret.substring(0, secret.length() - 1) + (secret.endsWith("0") ? "1" : "0");

		// when
		api.withKey(wrongChecksum).get("/v1/features");

		// then
		assertThat(find(api.get("/v1/api-keys").body().path("data"), id).has("lastUsedAt")).isFalse();
	}

	@Test
	void creatingAndRevokingAreAudited() {
		// given
		var created = createKey("ci");
		var id = created.path("id").asString();
		var secret = created.path("secret").asString();

		// when
		api.delete("/v1/api-keys/" + id);

		// then
		var events = auditEvents(id);
		assertThat(events).extracting(e -> e.path("action").asString())
			.containsExactly("api_key.revoked", "api_key.created");
		for (var event : events) {
			assertThat(event.path("targetType").asString()).isEqualTo("api_key");
			assertThat(event.path("targetId").asString()).isEqualTo(id);
			assertThat(event.path("actor").asString()).startsWith("api_key:pg_sk_");
			assertThat(event.toString()).doesNotContain(secret).doesNotContain(secret.substring(12));
		}
		var revocation = events.get(0);
		assertThat(revocation.path("before").path("revokedAt").asString("")).isEmpty();
		assertThat(revocation.path("after").path("revokedAt").asString()).isNotBlank();
	}

	@Test
	void auditLogOfKeysIsFilteredByTargetTypeAndHoldsNoSecret() {
		// given
		createKey("ci");

		// when
		var response = api.get("/v1/admin/audit-events?targetType=api_key&limit=500");

		// then
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.body().path("data").valueStream().map(e -> e.path("targetType").asString())).isNotEmpty()
			.allMatch("api_key"::equals);
		assertThat(response.text()).doesNotContainIgnoringCase("secret");
	}

	@Test
	void keyManagementNeedsAKey() {
		// given
		var created = createKey("ci");

		// when
		var list = anonymous.get("/v1/api-keys");
		var create = anonymous.post("/v1/api-keys", "{\"name\":\"anon\"}");
		var revoke = anonymous.delete("/v1/api-keys/" + created.path("id").asString());

		// then
		for (var response : List.of(list, create, revoke)) {
			assertThat(response.status()).isEqualTo(401);
			assertThat(response.code()).isEqualTo("unauthenticated");
		}
		assertThat(find(api.get("/v1/api-keys").body().path("data"), created.path("id").asString()).path("status")
			.asString()).isEqualTo("active");
	}

	private JsonNode createKey(String name) {
		var response = api.post("/v1/api-keys", Api.json(Map.of("name", name)));
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		return response.body();
	}

	private int keyCount() {
		return api.get("/v1/api-keys").body().path("data").size();
	}

	private static JsonNode find(JsonNode list, String id) {
		return list.valueStream()
			.filter(k -> k.path("id").asString().equals(id))
			.findFirst()
			.orElseThrow(() -> new AssertionError("key " + id + " is not listed"));
	}

	private List<JsonNode> auditEvents(String id) {
		var response = api.get("/v1/admin/audit-events?targetType=api_key&targetId=" + id);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body().path("data").valueStream().toList();
	}

	private static List<String> fields(Api.Response response) {
		return response.body().path("errors").valueStream().map(e -> e.path("field").asString()).toList();
	}

}

package dev.plangate.identity.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * The last-key rule over HTTP. Revokes keys wholesale, so it runs on a database of its
 * own: other test classes keep their keys.
 */
@FreshSchema
class ApiKeysLastKeyTest extends ServerTest {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "api_keys_last");
	}

	@Test
	void lastActiveKeyCannotBeRevoked() {
		// given: a key of this test's own is the only active one
		var mine = onlyActiveKey();
		var me = api.withKey(mine.path("secret").asString());

		// when
		var response = me.delete("/v1/api-keys/" + mine.path("id").asString());

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(409);
		assertThat(response.code()).isEqualTo("last_api_key");
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.body().path("id").asString()).isEqualTo(mine.path("id").asString());
		assertThat(response.body().path("detail").asString()).contains(mine.path("prefix").asString());
		assertThat(activeKeys(me)).extracting(k -> k.path("id").asString()).containsExactly(mine.path("id").asString());
	}

	@Test
	void lastActiveKeyStaysUsableAfterTheRefusal() {
		// given
		var mine = onlyActiveKey();
		var me = api.withKey(mine.path("secret").asString());
		me.delete("/v1/api-keys/" + mine.path("id").asString());

		// when
		var response = me.post("/v1/api-keys", "{\"name\":\"after refusal\"}");

		// then
		assertThat(response.status()).isEqualTo(201);
	}

	@Test
	void lastKeyCanBeRevokedOnceAnotherExists() {
		// given
		var mine = onlyActiveKey();
		var me = api.withKey(mine.path("secret").asString());
		var successor = me.post("/v1/api-keys", "{\"name\":\"successor\"}").body();

		// when
		var response = me.delete("/v1/api-keys/" + mine.path("id").asString());

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(api.withKey(successor.path("secret").asString()).get("/v1/api-keys").status()).isEqualTo(200);
		assertThat(me.get("/v1/api-keys").status()).isEqualTo(401);
	}

	@Test
	void twoKeysRevokingEachOtherAtOnceOverHttpLeaveOneActive() throws Exception {
		// given: one active key
		var mine = onlyActiveKey();
		String survivor = mine.path("secret").asString();
		String survivorId = mine.path("id").asString();
		for (int round = 0; round < 10; round++) {
			var other = api.withKey(survivor).post("/v1/api-keys", "{\"name\":\"rival\"}").body();
			String a = survivor;
			String aId = survivorId;
			String b = other.path("secret").asString();
			String bId = other.path("id").asString();

			// when: each key revokes the other, at the same moment
			var answers = Race.run(List.<Callable<Api.Response>>of(() -> api.withKey(a).delete("/v1/api-keys/" + bId),
					() -> api.withKey(b).delete("/v1/api-keys/" + aId)));

			// then: exactly one revocation succeeded and one key is still active
			assertThat(answers.stream().filter(r -> r.status() == 200)).as("round %d: %s", round, answers).hasSize(1);
			assertThat(answers.stream().map(Api.Response::status)).as("round %d: %s", round, answers)
				.allMatch(s -> s == 200 || s == 401 || s == 409);
			boolean firstWon = answers.get(0).status() == 200;
			survivor = firstWon ? a : b;
			survivorId = firstWon ? aId : bId;
			var me = api.withKey(survivor);
			assertThat(me.get("/v1/api-keys").status()).as("round %d: the surviving key works", round).isEqualTo(200);
			assertThat(activeKeys(me)).as("round %d: active keys", round).hasSize(1);
		}
	}

	/** Creates a key, revokes every other one with it, and answers it with its secret. */
	private JsonNode onlyActiveKey() {
		var created = api.post("/v1/api-keys", "{\"name\":\"only\"}");
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		var mine = created.body();
		var me = api.withKey(mine.path("secret").asString());
		for (var key : activeKeys(me)) {
			if (!key.path("id").equals(mine.path("id"))) {
				var revoked = me.delete("/v1/api-keys/" + key.path("id").asString());
				assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
			}
		}
		assertThat(activeKeys(me)).hasSize(1);
		return mine;
	}

	private static List<JsonNode> activeKeys(Api client) {
		var response = client.get("/v1/api-keys");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body()
			.path("data")
			.valueStream()
			.filter(k -> k.path("status").asString().equals("active"))
			.toList();
	}

}

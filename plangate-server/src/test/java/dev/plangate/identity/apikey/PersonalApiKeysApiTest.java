package dev.plangate.identity.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.platform.StoredJson;
import dev.plangate.platform.Timestamps;
import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;
import tools.jackson.databind.JsonNode;

class PersonalApiKeysApiTest extends ServerTest {

	@Autowired
	private JdbcClient jdbc;

	@Test
	void createdKeyActsAsItsAccountOnMyEndpointsAndIsListedWithoutItsSecret() {
		// given
		var me = signedIn("pk-use");

		// when
		var created = me.post("/v1/me/api-keys",
				Api.json(Map.of("name", "laptop script", "scopes", List.of("write"), "expiresInDays", 30)));

		// then
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		var secret = created.body().get("secret").asString();
		assertThat(secret).matches("pg_pk_[0-9A-Za-z]{36}");
		assertThat(ApiKeySecret.parse(secret)).isPresent();
		assertThat(created.body().get("prefix").asString()).isEqualTo(secret.substring(0, 12));
		assertThat(created.body().get("scopes").toString()).isEqualTo("[\"read\",\"write\"]");
		assertThat(created.body().get("status").asString()).isEqualTo("active");
		assertThat(Instant.parse(created.body().get("expiresAt").asString()))
			.isBetween(Instant.now().plus(Duration.ofDays(29)), Instant.now().plus(Duration.ofDays(31)));
		assertThat(created.body().has("lastUsedAt")).isFalse();

		// when
		var viaKey = me.withKey(secret).get("/v1/me/account");
		var viaToken = me.get("/v1/me/account");
		var subscription = me.withKey(secret).get("/v1/me/subscription");
		var listed = me.get("/v1/me/api-keys");

		// then
		assertThat(viaKey.status()).as(viaKey.toString()).isEqualTo(200);
		assertThat(viaKey.body().get("id")).isEqualTo(viaToken.body().get("id"));
		assertThat(subscription.status()).as(subscription.toString()).isEqualTo(200);
		assertThat(listed.status()).isEqualTo(200);
		assertThat(listed.text()).doesNotContain(secret).doesNotContain(secret.substring(12));
		var key = listed.body().path("data").get(0);
		assertThat(key.get("id")).isEqualTo(created.body().get("id"));
		assertThat(key.has("secret")).isFalse();
		assertThat(key.has("lastUsedAt")).as("last use recorded").isTrue();
		assertThat(jdbc.sql("select secret_hash from personal_api_key where id = :id")
			.param("id", UUID.fromString(key.get("id").asString()))
			.query(String.class)
			.single()).isEqualTo(StoredJson.sha256(secret));
	}

	@Test
	void revokedKeyStopsAtOnceAndRevokingAgainChangesNothing() {
		// given
		var me = signedIn("pk-revoke");
		var created = createKey(me, "read");
		var secret = created.get("secret").asString();
		assertThat(me.withKey(secret).get("/v1/me/account").status()).isEqualTo(200);

		// when
		var revoked = me.delete("/v1/me/api-keys/" + created.get("id").asString());
		var again = me.delete("/v1/me/api-keys/" + created.get("id").asString());
		var use = me.withKey(secret).get("/v1/me/account");

		// then
		assertThat(revoked.status()).as(revoked.toString()).isEqualTo(200);
		assertThat(revoked.body().get("status").asString()).isEqualTo("revoked");
		assertThat(revoked.body().has("secret")).isFalse();
		assertThat(again.status()).isEqualTo(200);
		assertThat(again.body().get("revokedAt")).isEqualTo(revoked.body().get("revokedAt"));
		assertThat(use.status()).isEqualTo(401);
		assertThat(use.code()).isEqualTo("unauthenticated");
		assertThat(use.header("WWW-Authenticate")).isEqualTo("Bearer error=\"invalid_token\"");
		assertThat(use.text()).doesNotContain(secret);
	}

	@Test
	void readScopeMayOnlyGet() {
		// given
		var me = signedIn("pk-read");
		var secret = createKey(me, "read").get("secret").asString();
		var viaKey = me.withKey(secret);

		// when
		var read = viaKey.get("/v1/me/account");
		var write = viaKey.post("/v1/me/organizations", Api.json(Map.of("name", "Read Only Inc")));

		// then
		assertThat(read.status()).as(read.toString()).isEqualTo(200);
		assertThat(write.status()).as(write.toString()).isEqualTo(403);
		assertThat(write.code()).isEqualTo("forbidden");
		assertThat(me.get("/v1/me/organizations").body().path("data").size()).as("nothing was created").isZero();
	}

	@Test
	void writeScopeMayChangeThingsUnderMeButNotTheAccountsSecurity() {
		// given
		var me = signedIn("pk-write");
		var viaKey = me.withKey(createKey(me, "write").get("secret").asString());

		// when
		var created = viaKey.post("/v1/me/organizations", Api.json(Map.of("name", "Written Inc")));
		var security = List.of(viaKey.get("/v1/me/sessions"), viaKey.post("/v1/me/sessions/revoke-others", null),
				viaKey.post("/v1/me/email/verification", null), viaKey.get("/v1/me/two-factor"),
				viaKey.post("/v1/me/password", Api
					.json(Map.of("currentPassword", AccountCalls.PASSWORD, "newPassword", "a brand new passphrase"))));

		// then
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		assertThat(security).allSatisfy(response -> {
			assertThat(response.status()).as(response.toString()).isEqualTo(403);
			assertThat(response.code()).isEqualTo("forbidden");
		});
		assertThat(me.get("/v1/me/sessions").body().path("data").size()).as("the session survives").isEqualTo(1);
	}

	@Test
	void aPasswordResetByMailRevokesTheAccountsKeys() {
		// given: whoever held the account made a key
		var email = AccountCalls.verifiedAccount(anonymous, "pk-reset");
		var me = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
		var viaKey = me.withKey(createKey(me, "write").get("secret").asString());
		assertThat(viaKey.get("/v1/me/account").status()).isEqualTo(200);

		// when: the owner takes it back by mail
		anonymous.post("/v1/auth/password/forgot", Api.json(Map.of("email", email)));
		var reset = anonymous.post("/v1/auth/password/reset",
				Api.json(Map.of("token", AccountCalls.tokenOfMail(email, 2), "password", "a brand new passphrase")));

		// then
		assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
		assertThat(viaKey.get("/v1/me/account").status()).isEqualTo(401);
		var owner = AccountCalls.as(anonymous, AccountCalls.login(anonymous, email, "a brand new passphrase").body());
		assertThat(owner.get("/v1/me/api-keys").body().path("data").findValuesAsString("status"))
			.containsOnly("revoked");
	}

	@Test
	void aPersonalKeyCannotManagePersonalKeys() {
		// given
		var me = signedIn("pk-manage");
		var created = createKey(me, "write");
		var viaKey = me.withKey(created.get("secret").asString());

		// when
		var create = viaKey.post("/v1/me/api-keys", Api.json(Map.of("name", "more", "scopes", List.of("write"))));
		var list = viaKey.get("/v1/me/api-keys");
		var revoke = viaKey.delete("/v1/me/api-keys/" + created.get("id").asString());

		// then
		for (var response : List.of(create, list, revoke)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(403);
			assertThat(response.code()).isEqualTo("forbidden");
		}
		assertThat(me.get("/v1/me/api-keys").body().path("data").size()).isEqualTo(1);
		assertThat(viaKey.get("/v1/me/account").status()).isEqualTo(200);
	}

	@Test
	void aPersonalKeyIsRefusedOnServerWorkerAndAdminEndpoints() {
		// given
		var me = signedIn("pk-server");
		var viaKey = me.withKey(createKey(me, "write").get("secret").asString());

		// when
		var customers = viaKey.get("/v1/customers");
		var keys = viaKey.get("/v1/api-keys");
		var poll = viaKey.post("/v1/worker/poll", "{}");
		var admin = viaKey.get("/v1/admin/accounts?email=x@example.com");

		// then
		for (var response : List.of(customers, keys, poll, admin)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(403);
			assertThat(response.code()).isEqualTo("forbidden");
		}
	}

	@Test
	void otherCredentialsCannotManagePersonalKeys() {
		// given
		var customer = newCustomer("pk-cust");
		var token = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)))
			.body()
			.get("token")
			.asString();

		// when
		var withServerKey = api.get("/v1/me/api-keys");
		var withCustomerToken = api.withKey(token)
			.post("/v1/me/api-keys", Api.json(Map.of("name", "x", "scopes", List.of("read"))));
		var withNothing = anonymous.get("/v1/me/api-keys");

		// then
		assertThat(withServerKey.status()).isEqualTo(403);
		assertThat(withCustomerToken.status()).as(withCustomerToken.toString()).isEqualTo(403);
		assertThat(withNothing.status()).isEqualTo(401);
	}

	@Test
	void anUnconfirmedAddressMayNotCreateKeys() {
		// given
		var email = TestMail.uniqueAddress("pk-unverified");
		assertThat(AccountCalls.register(anonymous, email, AccountCalls.PASSWORD).status()).isEqualTo(202);
		var me = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));

		// when
		var created = me.post("/v1/me/api-keys", Api.json(Map.of("name", "early", "scopes", List.of("read"))));

		// then
		assertThat(created.status()).isEqualTo(403);
		assertThat(created.code()).isEqualTo("email_not_verified");
		assertThat(me.get("/v1/me/api-keys").body().path("data").size()).isZero();
	}

	@Test
	void badInputIsRefusedAndCreatesNothing() {
		// given
		var me = signedIn("pk-bad");
		record Case(String body, String code) {
		}
		var cases = List.of(new Case("{\"name\":", "malformed_json"), new Case("{}", "invalid_request"),
				new Case("{\"name\":\"x\"}", "invalid_request"),
				new Case("{\"name\":\"x\",\"scopes\":[]}", "invalid_request"),
				new Case("{\"name\":\"x\",\"scopes\":[\"admin\"]}", "invalid_request"),
				new Case("{\"name\":\"x\",\"scopes\":[null]}", "invalid_request"),
				new Case("{\"name\":\"x\",\"scopes\":\"read\"}", "invalid_request"),
				new Case("{\"name\":\"x\",\"scopes\":[\"read\",\"write\",\"read\"]}", "invalid_request"),
				new Case("{\"name\":\"  \",\"scopes\":[\"read\"]}", "invalid_request"),
				new Case("{\"name\":\"" + "n".repeat(201) + "\",\"scopes\":[\"read\"]}", "invalid_request"),
				new Case("{\"name\":42,\"scopes\":[\"read\"]}", "invalid_request"),
				new Case("{\"name\":\"x\",\"scopes\":[\"read\"],\"expiresInDays\":0}", "invalid_request"),
				new Case("{\"name\":\"x\",\"scopes\":[\"read\"],\"expiresInDays\":366}", "invalid_request"),
				new Case("{\"name\":\"x\",\"scopes\":[\"read\"],\"expiresInDays\":\"soon\"}", "invalid_request"),
				new Case("{\"name\":\"x\",\"scopes\":[\"read\"],\"expiresInDays\":1.5}", "invalid_request"),
				new Case("{\"name\":\"x\",\"scopes\":[\"read\"],\"extra\":1}", "invalid_request"));
		var failures = new ArrayList<String>();

		for (var c : cases) {
			// when
			var response = me.post("/v1/me/api-keys", c.body());

			// then
			if (response.status() != 400 || !response.code().equals(c.code())) {
				failures.add(c.body() + " → " + response);
			}
		}
		assertThat(failures).isEmpty();
		assertThat(me.get("/v1/me/api-keys").body().path("data").size()).isZero();
	}

	@Test
	void anotherAccountsKeyOrAnUnknownIdIsNotFound() {
		// given
		var owner = signedIn("pk-owner");
		var other = signedIn("pk-other");
		var created = createKey(owner, "read");
		var id = created.get("id").asString();

		// when
		var byOther = other.delete("/v1/me/api-keys/" + id);
		var unknown = owner.delete("/v1/me/api-keys/00000000-0000-0000-0000-000000000001");
		var notAnId = owner.delete("/v1/me/api-keys/not-an-id");

		// then
		assertThat(byOther.status()).isEqualTo(404);
		assertThat(byOther.code()).isEqualTo("personal_api_key_not_found");
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.code()).isEqualTo("personal_api_key_not_found");
		assertThat(notAnId.status()).isEqualTo(400);
		assertThat(other.get("/v1/me/api-keys").body().path("data").size()).isZero();
		assertThat(owner.withKey(created.get("secret").asString()).get("/v1/me/account").status()).isEqualTo(200);
	}

	@Test
	void expiredKeyIsRefusedAndListedAsExpired() {
		// given
		var me = signedIn("pk-expired");
		var created = createKey(me, "read");
		jdbc.sql("update personal_api_key set expires_at = :past where id = :id")
			.param("past", Timestamps.sql(Instant.now().minusSeconds(1)))
			.param("id", UUID.fromString(created.get("id").asString()))
			.update();

		// when
		var use = me.withKey(created.get("secret").asString()).get("/v1/me/account");

		// then
		assertThat(use.status()).isEqualTo(401);
		assertThat(me.get("/v1/me/api-keys").body().path("data").get(0).get("status").asString()).isEqualTo("expired");
	}

	@Test
	void suspendingTheAccountStopsItsKeysAtOnceAndActivatingRestoresThem() {
		// given
		var me = signedIn("pk-suspend");
		var customerId = me.get("/v1/me/account").body().get("customerId").asString();
		var viaKey = me.withKey(createKey(me, "read").get("secret").asString());
		assertThat(viaKey.get("/v1/me/account").status()).isEqualTo(200);

		// when
		assertThat(api.post("/v1/customers/" + customerId + "/suspend", null).status()).isEqualTo(200);
		var suspended = viaKey.get("/v1/me/account");
		assertThat(api.post("/v1/customers/" + customerId + "/activate", null).status()).isEqualTo(200);
		var active = viaKey.get("/v1/me/account");

		// then
		assertThat(suspended.status()).isEqualTo(401);
		assertThat(active.status()).isEqualTo(200);
	}

	@Test
	void deletingTheAccountStopsItsKeys() {
		// given
		var me = signedIn("pk-delete");
		var customerId = me.get("/v1/me/account").body().get("customerId").asString();
		var viaKey = me.withKey(createKey(me, "write").get("secret").asString());
		assertThat(viaKey.get("/v1/me/account").status()).isEqualTo(200);

		// when
		assertThat(api.delete("/v1/customers/" + customerId).status()).isEqualTo(200);
		var use = viaKey.get("/v1/me/account");

		// then
		assertThat(use.status()).isEqualTo(401);
	}

	@Test
	void aReplayedCreationAnswersTheSameKeyWithoutItsSecret() {
		// given
		var me = signedIn("pk-replay");
		var body = Api.json(Map.of("name", "ci", "scopes", List.of("read")));
		var headers = Map.of("Idempotency-Key", "pk-" + uniqueKey("replay"));

		// when
		var first = me.send("POST", "/v1/me/api-keys", body, headers);
		var replay = me.send("POST", "/v1/me/api-keys", body, headers);

		// then
		assertThat(first.status()).isEqualTo(201);
		assertThat(first.body().get("secret").asString()).startsWith("pg_pk_");
		assertThat(replay.status()).isEqualTo(201);
		assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
		assertThat(replay.body().get("id")).isEqualTo(first.body().get("id"));
		assertThat(replay.body().has("secret")).isFalse();
		assertThat(replay.text()).doesNotContain(first.body().get("secret").asString());
		assertThat(me.get("/v1/me/api-keys").body().path("data").size()).isEqualTo(1);
	}

	@Test
	void creationAndRevocationAreAudited() {
		// given
		var me = signedIn("pk-audit");
		var accountId = me.get("/v1/me/account").body().get("id").asString();
		var created = createKey(me, "read");

		// when
		me.delete("/v1/me/api-keys/" + created.get("id").asString());
		var events = api.get("/v1/admin/audit-events?targetType=account&targetId=" + accountId);

		// then
		var actions = new ArrayList<String>();
		events.body().get("data").forEach(e -> actions.add(e.get("action").asString()));
		assertThat(actions).contains("personal_api_key.created", "personal_api_key.revoked");
		assertThat(events.text()).doesNotContain(created.get("secret").asString());
	}

	private Api signedIn(String prefix) {
		var email = AccountCalls.verifiedAccount(anonymous, prefix);
		return AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
	}

	private static JsonNode createKey(Api me, String scope) {
		var created = me.post("/v1/me/api-keys", Api.json(Map.of("name", "key " + scope, "scopes", List.of(scope))));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.body();
	}

}

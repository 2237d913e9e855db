package dev.plangate.identity;

import static dev.plangate.identity.account.AccountCalls.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;

/**
 * Secrets are shown once: to whoever created them, in the answer that created them, and
 * never again (not in lists, reads, replays or the log).
 */
@ExtendWith(OutputCaptureExtension.class)
class SecretsTest extends ServerTest {

	@Test
	void serverAndWorkerKeysAreShownOnlyInTheAnswerThatCreatedThem() {
		for (var kind : List.of("server", "worker")) {
			// given
			var headers = Map.of("Idempotency-Key", uniqueKey("secret-" + kind));
			var body = Api.json(Map.of("name", "shown-once " + kind, "kind", kind));

			// when
			var created = api.send("POST", "/v1/api-keys", body, headers);
			var replay = api.send("POST", "/v1/api-keys", body, headers);
			var secret = created.body().get("secret").asString();
			var listed = api.get("/v1/api-keys");
			var revoked = api.delete("/v1/api-keys/" + created.body().get("id").asString());

			// then
			assertThat(created.status()).as(created.toString()).isEqualTo(201);
			assertThat(secret).startsWith(kind.equals("server") ? "pg_sk_" : "pg_wk_");
			assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
			assertNotShown(secret, replay, listed, revoked);
		}
	}

	@Test
	void aPersonalKeyIsShownOnlyInTheAnswerThatCreatedIt() {
		// given
		var me = AccountCalls.as(anonymous,
				AccountCalls.signIn(anonymous, AccountCalls.verifiedAccount(anonymous, "secret-pk")));
		var headers = Map.of("Idempotency-Key", uniqueKey("secret-pk"));
		var body = Api.json(Map.of("name", "shown-once", "scopes", List.of("write")));

		// when
		var created = me.send("POST", "/v1/me/api-keys", body, headers);
		var replay = me.send("POST", "/v1/me/api-keys", body, headers);
		var secret = created.body().get("secret").asString();
		var used = me.withKey(secret).get("/v1/me/account");
		var listed = me.get("/v1/me/api-keys");
		var audit = api.get("/v1/admin/audit-events?limit=200");
		var revoked = me.delete("/v1/me/api-keys/" + created.body().get("id").asString());

		// then
		assertThat(created.status()).isEqualTo(201);
		assertThat(used.status()).isEqualTo(200);
		assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
		assertNotShown(secret, replay, used, listed, audit, revoked);
	}

	@Test
	void aRefreshTokenIsShownOnlyInTheSignInOrRefreshThatIssuedIt() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "secret-refresh");
		var signIn = AccountCalls.signIn(anonymous, email);
		var refreshToken = signIn.get("refreshToken").asString();
		var me = AccountCalls.as(anonymous, signIn);
		var accountId = signIn.get("account").get("id").asString();

		// when
		var account = me.get("/v1/me/account");
		var sessions = me.get("/v1/me/sessions");
		var admin = api.get("/v1/admin/accounts/" + accountId);
		var refreshed = anonymous.post("/v1/auth/refresh", Api.json(Map.of("refreshToken", refreshToken)));
		var again = anonymous.send("POST", "/v1/auth/login", Api.json(Map.of("login", email, "password", PASSWORD)),
				Map.of("Idempotency-Key", "secret-login"));
		var replayedLogin = anonymous.send("POST", "/v1/auth/login",
				Api.json(Map.of("login", email, "password", PASSWORD)), Map.of("Idempotency-Key", "secret-login"));

		// then
		assertThat(refreshed.status()).isEqualTo(200);
		assertThat(refreshed.body().get("refreshToken").asString()).isNotEqualTo(refreshToken);
		assertNotShown(refreshToken, account, sessions, admin, refreshed, again, replayedLogin);
		assertThat(again.body().get("refreshToken").asString())
			.isNotEqualTo(replayedLogin.body().get("refreshToken").asString());
	}

	@Test
	void aCustomerTokenReplayAnswersWithoutTheToken() {
		// given
		var customer = newCustomer("secret-ct");
		var headers = Map.of("Idempotency-Key", uniqueKey("secret-ct"));
		var body = Api.json(Map.of("customerId", customer));

		// when
		var minted = api.send("POST", "/v1/customer-tokens", body, headers);
		var replay = api.send("POST", "/v1/customer-tokens", body, headers);

		// then
		assertThat(minted.status()).as(minted.toString()).isEqualTo(201);
		assertNotShown(minted.body().get("token").asString(), replay);
	}

	@Test
	void noSecretOfAFullAccountFlowIsLogged(CapturedOutput output) {
		var secrets = new LinkedHashMap<String, String>();
		// given: sign-up and confirmation
		var email = TestMail.uniqueAddress("secret-log");
		assertThat(AccountCalls.register(anonymous, email, PASSWORD).status()).isEqualTo(202);
		secrets.put("password", PASSWORD);
		var verification = AccountCalls.tokenOfMail(email, 1);
		secrets.put("verification token", verification);
		assertThat(anonymous.post("/v1/auth/verify-email", Api.json(Map.of("token", verification))).status())
			.isEqualTo(200);

		// when: sign-in and refresh
		var signIn = AccountCalls.signIn(anonymous, email);
		secrets.put("access token", signIn.get("accessToken").asString());
		secrets.put("refresh token", signIn.get("refreshToken").asString());
		var refreshed = anonymous.post("/v1/auth/refresh",
				Api.json(Map.of("refreshToken", signIn.get("refreshToken").asString())));
		assertThat(refreshed.status()).isEqualTo(200);
		secrets.put("refreshed access token", refreshed.body().get("accessToken").asString());
		secrets.put("refreshed refresh token", refreshed.body().get("refreshToken").asString());
		var replayed = anonymous.post("/v1/auth/refresh",
				Api.json(Map.of("refreshToken", signIn.get("refreshToken").asString())));
		assertThat(replayed.status()).as("within the grace window").isIn(200, 401);

		// when: a personal key, made and used
		var me = AccountCalls.as(anonymous, refreshed.body());
		var key = me.post("/v1/me/api-keys", Api.json(Map.of("name", "log", "scopes", List.of("read"))));
		assertThat(key.status()).isEqualTo(201);
		secrets.put("personal key", key.body().get("secret").asString());
		assertThat(me.withKey(key.body().get("secret").asString()).get("/v1/me/account").status()).isEqualTo(200);
		assertThat(me.withKey(key.body().get("secret").asString()).post("/v1/me/sessions/revoke-others", null).status())
			.isEqualTo(403);

		// when: a password reset
		assertThat(anonymous.post("/v1/auth/password/forgot", Api.json(Map.of("email", email))).status())
			.isEqualTo(202);
		var reset = AccountCalls.tokenOfMail(email, 2);
		secrets.put("reset token", reset);
		var newPassword = "a brand new passphrase " + uniqueKey("pw");
		secrets.put("new password", newPassword);
		var resetAnswer = anonymous.post("/v1/auth/password/reset",
				Api.json(Map.of("token", reset, "password", newPassword)));
		assertThat(resetAnswer.status()).as(resetAnswer.toString()).isEqualTo(200);
		var wrong = AccountCalls.login(anonymous, email, "a wrong password guess 42");
		assertThat(wrong.status()).isEqualTo(401);
		secrets.put("wrong password", "a wrong password guess 42");
		var afterReset = AccountCalls.login(anonymous, email, newPassword);
		assertThat(afterReset.status()).isEqualTo(200);
		secrets.put("access token after reset", afterReset.body().get("accessToken").asString());
		secrets.put("refresh token after reset", afterReset.body().get("refreshToken").asString());

		// when: the product's backend makes keys and mints a customer token
		var server = api.post("/v1/api-keys", Api.json(Map.of("name", "log server")));
		secrets.put("server key", server.body().get("secret").asString());
		var worker = api.post("/v1/api-keys", Api.json(Map.of("name", "log worker", "kind", "worker")));
		secrets.put("worker key", worker.body().get("secret").asString());
		var customerToken = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", newCustomer("secret-log"))));
		assertThat(customerToken.status()).isEqualTo(201);
		secrets.put("customer token", customerToken.body().get("token").asString());
		var revoked = api.withKey(secrets.get("server key")).get("/v1/customers?limit=1");
		assertThat(revoked.status()).isEqualTo(200);

		// then
		var logged = output.getAll();
		assertThat(logged).as("captured output").isNotEmpty();
		var leaks = new ArrayList<String>();
		secrets.forEach((what, secret) -> {
			if (logged.contains(secret)) {
				leaks.add(what);
			}
		});
		assertThat(leaks).as("secrets found in the log").isEmpty();
	}

	private static void assertNotShown(String secret, Api.Response... answers) {
		for (var answer : answers) {
			assertThat(answer.text()).as("an answer after the first").doesNotContain(secret);
			assertThat(answer.text()).doesNotContain(secret.substring(secret.length() - 20));
		}
	}

}

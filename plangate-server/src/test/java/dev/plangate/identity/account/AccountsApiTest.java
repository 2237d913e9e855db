package dev.plangate.identity.account;

import static dev.plangate.identity.account.AccountCalls.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

import dev.plangate.identity.password.PasswordHasher;
import dev.plangate.platform.Timestamps;
import dev.plangate.support.Api;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;

class AccountsApiTest extends ServerTest {

	@Autowired
	private LoginLockouts lockouts;

	@Autowired
	private JdbcClient jdbc;

	@Test
	void signUpConfirmSignInAndReadMyAccountAndPlan() {
		// given
		var email = TestMail.uniqueAddress("Signup");

		// when
		var registered = AccountCalls.register(anonymous, email, PASSWORD);

		// then
		assertThat(registered.status()).as(registered.toString()).isEqualTo(202);
		assertThat(registered.body().get("status").asString()).isEqualTo("verification_sent");
		var mail = AccountCalls.mail(email.toLowerCase(), 1);
		assertThat(mail.subject()).isEqualTo("Confirm your email address");

		// when
		var signIn = AccountCalls.signIn(anonymous, email);
		var me = AccountCalls.as(anonymous, signIn);
		var before = me.get("/v1/me/account");
		var verified = anonymous.post("/v1/auth/verify-email",
				Api.json(Map.of("token", AccountCalls.tokenOfMail(email.toLowerCase(), 1))));

		// then
		assertThat(signIn.get("tokenType").asString()).isEqualTo("Bearer");
		assertThat(signIn.get("refreshToken").asString()).startsWith("pgr_");
		assertThat(signIn.get("expiresIn").asLong()).isBetween(1L, 900L);
		assertThat(before.status()).as(before.toString()).isEqualTo(200);
		assertThat(before.body().get("email").asString()).isEqualTo(email.toLowerCase());
		assertThat(before.body().get("emailVerified").asBoolean()).isFalse();
		assertThat(before.body().get("role").asString()).isEqualTo("user");
		assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
		assertThat(me.get("/v1/me/account").body().get("emailVerified").asBoolean()).isTrue();
		var customerId = before.body().get("customerId").asString();
		var customer = api.get("/v1/customers/" + customerId);
		assertThat(customer.status()).isEqualTo(200);
		assertThat(customer.body().get("kind").asString()).isEqualTo("user");
		var subscription = me.get("/v1/me/subscription");
		assertThat(subscription.status()).as(subscription.toString()).isEqualTo(200);
		var whoAmI = me.get("/v1/me");
		assertThat(whoAmI.status()).as(whoAmI.toString()).isEqualTo(200);
		assertThat(whoAmI.body().path("kind").asString()).isEqualTo("account");
		assertThat(whoAmI.body().path("customerId").asString()).isEqualTo(customerId);
		assertThat(whoAmI.body().path("account").path("email").asString()).isEqualTo(email.toLowerCase());
		assertThat(whoAmI.body().path("subscription").path("plan").path("key").asString()).isEqualTo("free");
		var minted = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customerId)));
		var asCustomer = anonymous.withKey(minted.body().path("token").asString()).get("/v1/me");
		assertThat(asCustomer.body().path("kind").asString()).isEqualTo("customer");
		assertThat(asCustomer.body().path("account").isObject()).as("no account").isFalse();
		assertThat(api.get("/v1/me").status()).isIn(401, 403);
		assertThat(api.get("/v1/customers/" + customerId + "/subscription").body().path("plan").path("key").asString())
			.isEqualTo("free");
	}

	@Test
	void signUpWithAnAddressThatHasAnAccountAnswersTheSameAndTellsItsOwner() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "taken");

		// when
		var again = AccountCalls.register(anonymous, email, "another password 123");

		// then
		assertThat(again.status()).isEqualTo(202);
		assertThat(again.body().get("status").asString()).isEqualTo("verification_sent");
		assertThat(AccountCalls.mail(email, 2).subject()).isEqualTo("You already have an account");
		assertThat(AccountCalls.login(anonymous, email, "another password 123").code())
			.isEqualTo("invalid_credentials");
	}

	@Test
	void signUpRefusesBadInputAndCreatesNothing() {
		// given
		var email = TestMail.uniqueAddress("bad");
		record Case(String body, int status, String code) {
		}
		var cases = List.of(new Case("{\"email\":", 400, "malformed_json"), new Case("{}", 400, "invalid_request"),
				new Case("{\"email\":\"" + email + "\"}", 400, "invalid_request"),
				new Case("{\"email\":42,\"password\":\"" + PASSWORD + "\"}", 400, "invalid_request"),
				new Case("{\"email\":\"not-an-address\",\"password\":\"" + PASSWORD + "\"}", 400, "invalid_request"),
				new Case("{\"email\":\"john..doe@example.com\",\"password\":\"" + PASSWORD + "\"}", 400,
						"invalid_request"),
				new Case("{\"email\":\"a.@example.com\",\"password\":\"" + PASSWORD + "\"}", 400, "invalid_request"),
				new Case("{\"email\":\"" + email + "\",\"password\":\"short\"}", 422, "weak_password"),
				new Case("{\"email\":\"" + email + "\",\"password\":\"password123\"}", 422, "weak_password"),
				new Case("{\"email\":\"" + email + "\",\"password\":\"" + "x1".repeat(65) + "\"}", 422,
						"weak_password"),
				new Case("{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"username\":\"no spaces\"}",
						400, "invalid_request"),
				new Case("{\"email\":\"" + email + "\",\"password\":\"" + PASSWORD + "\",\"extra\":1}", 400,
						"invalid_request"));

		for (var c : cases) {
			// when
			var response = anonymous.post("/v1/auth/register", c.body());

			// then
			assertThat(response.status()).as(c.body() + " → " + response).isEqualTo(c.status());
			assertThat(response.code()).as(c.body()).isEqualTo(c.code());
		}
		assertThat(AccountCalls.login(anonymous, email, PASSWORD).code()).isEqualTo("invalid_credentials");
		assertThat(TestMail.messagesTo(email)).isEmpty();
	}

	@Test
	void aPasswordTypedComposedOrDecomposedSignsInBothWays() {
		// given: registered with the decomposed form ("e" then a combining accent)
		var composed = Normalizer.normalize("Crème brûlée à Zoë", Normalizer.Form.NFC);
		var decomposed = Normalizer.normalize(composed, Normalizer.Form.NFD);
		var email = TestMail.uniqueAddress("composed");
		assertThat(AccountCalls.register(anonymous, email, decomposed).status()).isEqualTo(202);

		// when
		var asComposed = AccountCalls.login(anonymous, email, composed);
		var asDecomposed = AccountCalls.login(anonymous, email, decomposed);

		// then
		assertThat(asComposed.status()).as(asComposed.toString()).isEqualTo(200);
		assertThat(asDecomposed.status()).as(asDecomposed.toString()).isEqualTo(200);
	}

	@Test
	void aHashOfThePasswordAsTypedBeforeNormalisationSignsInAndIsUpgraded() {
		// given: an account whose hash is of the decomposed form as it was typed
		var composed = Normalizer.normalize("Crème brûlée à Zoë", Normalizer.Form.NFC);
		var decomposed = Normalizer.normalize(composed, Normalizer.Form.NFD);
		var email = TestMail.uniqueAddress("old-hash");
		assertThat(AccountCalls.register(anonymous, email, PASSWORD).status()).isEqualTo(202);
		var old = new Argon2PasswordEncoder(16, 32, 1, PasswordHasher.MIN_MEMORY_KIB, PasswordHasher.MIN_ITERATIONS)
			.encode(decomposed);
		jdbc.sql("update account set password_hash = :hash where email = :email")
			.param("hash", old)
			.param("email", email)
			.update();

		// when
		var signedIn = AccountCalls.login(anonymous, email, decomposed);

		// then: the hash is of the normalised form now, so either form signs in
		assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
		var hash = jdbc.sql("select password_hash from account where email = :email")
			.param("email", email)
			.query(String.class)
			.single();
		assertThat(hash).startsWith(PasswordHasher.NORMALIZED).isNotEqualTo(old);
		assertThat(AccountCalls.login(anonymous, email, composed).status()).isEqualTo(200);
		assertThat(AccountCalls.login(anonymous, email, decomposed).status()).isEqualTo(200);
	}

	@Test
	void aLongAddressSignsUpAndIn() {
		// given: 262 characters, more than a customer's name may have
		var email = "x".repeat(50) + "-" + uniqueKey("l") + "@" + "abcdefghij.".repeat(18) + "com";

		// when
		var registered = AccountCalls.register(anonymous, email, PASSWORD);

		// then
		assertThat(registered.status()).as(registered.toString()).isEqualTo(202);
		assertThat(AccountCalls.login(anonymous, email, PASSWORD).status()).isEqualTo(200);
	}

	@Test
	void aTakenUsernameIsRefused() {
		// given
		var username = "user" + uniqueKey("u").substring(2, 12);
		var first = anonymous.post("/v1/auth/register",
				Api.json(Map.of("email", TestMail.uniqueAddress("first"), "password", PASSWORD, "username", username)));

		// when
		var second = anonymous.post("/v1/auth/register", Api
			.json(Map.of("email", TestMail.uniqueAddress("second"), "password", PASSWORD, "username", username)));

		// then
		assertThat(first.status()).as(first.toString()).isEqualTo(202);
		assertThat(second.status()).isEqualTo(409);
		assertThat(second.code()).isEqualTo("username_taken");
		assertThat(AccountCalls.login(anonymous, username.toUpperCase(), PASSWORD).status()).isEqualTo(200);
	}

	@Test
	void simultaneousSignUpsWithOneAddressMakeOneAccount() throws Exception {
		// given
		var email = TestMail.uniqueAddress("twins");

		// when
		var answers = Race.times(6, () -> AccountCalls.register(anonymous, email, PASSWORD).status());

		// then
		assertThat(answers).containsOnly(202);
		assertThat(AccountCalls.login(anonymous, email, PASSWORD).status()).isEqualTo(200);
	}

	@Test
	void aVerificationLinkWorksOnce() {
		// given
		var email = TestMail.uniqueAddress("once");
		AccountCalls.register(anonymous, email, PASSWORD);
		var token = AccountCalls.tokenOfMail(email, 1);
		anonymous.post("/v1/auth/verify-email", Api.json(Map.of("token", token)));

		// when
		var again = anonymous.post("/v1/auth/verify-email", Api.json(Map.of("token", token)));
		var unknown = anonymous.post("/v1/auth/verify-email", Api.json(Map.of("token", "no-such-token")));
		var missing = anonymous.post("/v1/auth/verify-email", "{}");

		// then
		assertThat(again.status()).isEqualTo(400);
		assertThat(again.code()).isEqualTo("invalid_account_token");
		assertThat(unknown.code()).isEqualTo("invalid_account_token");
		assertThat(missing.code()).isEqualTo("invalid_request");
	}

	@Test
	void aWrongPasswordAndAnUnknownLoginLookTheSame() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "wrong");

		// when
		var wrong = AccountCalls.login(anonymous, email, "not the password at all");
		var unknown = AccountCalls.login(anonymous, TestMail.uniqueAddress("nobody"), "not the password at all");

		// then
		assertThat(wrong.status()).isEqualTo(401);
		assertThat(unknown.status()).isEqualTo(401);
		assertThat(wrong.code()).isEqualTo("invalid_credentials");
		assertThat(unknown.body().get("detail")).isEqualTo(wrong.body().get("detail"));
		assertThat(AccountCalls.login(anonymous, email, PASSWORD).status()).isEqualTo(200);
	}

	@Test
	void aSuspendedAccountCannotSignInAndItsTokensStopAtOnce() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "suspended");
		var signIn = AccountCalls.signIn(anonymous, email);
		var me = AccountCalls.as(anonymous, signIn);
		var customerId = me.get("/v1/me/account").body().get("customerId").asString();

		// when
		var suspended = api.post("/v1/customers/" + customerId + "/suspend", null);

		// then
		assertThat(suspended.status()).as(suspended.toString()).isEqualTo(200);
		assertThat(me.get("/v1/me/account").status()).isEqualTo(401);
		var refresh = anonymous.post("/v1/auth/refresh",
				Api.json(Map.of("refreshToken", signIn.get("refreshToken").asString())));
		assertThat(refresh.code()).isEqualTo("invalid_refresh_token");
		var login = AccountCalls.login(anonymous, email, PASSWORD);
		assertThat(login.status()).isEqualTo(403);
		assertThat(login.code()).isEqualTo("customer_suspended");
		assertThat(AccountCalls.login(anonymous, email, "a wrong password!").code()).isEqualTo("invalid_credentials");
	}

	@Test
	void aDeletedAccountFreesItsAddress() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "deleted");
		var me = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
		var customerId = me.get("/v1/me/account").body().get("customerId").asString();

		// when
		api.delete("/v1/customers/" + customerId);

		// then
		assertThat(me.get("/v1/me/account").status()).isEqualTo(401);
		assertThat(AccountCalls.login(anonymous, email, PASSWORD).code()).isEqualTo("invalid_credentials");
		assertThat(AccountCalls.register(anonymous, email, "a new password for a new account").status()).isEqualTo(202);
		assertThat(AccountCalls.mail(email, 2).subject()).isEqualTo("Confirm your email address");
	}

	@Test
	void passwordResetByMailEndsEverySession() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "reset");
		var old = AccountCalls.signIn(anonymous, email);

		// when
		var asked = anonymous.post("/v1/auth/password/forgot", Api.json(Map.of("email", email)));
		var token = AccountCalls.tokenOfMail(email, 2);
		var reset = anonymous.post("/v1/auth/password/reset",
				Api.json(Map.of("token", token, "password", "a brand new passphrase")));

		// then
		assertThat(asked.status()).isEqualTo(202);
		assertThat(AccountCalls.mail(email, 2).subject()).isEqualTo("Reset your password");
		assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
		assertThat(AccountCalls.mail(email, 3).subject()).isEqualTo("Your password was changed");
		assertThat(AccountCalls.login(anonymous, email, PASSWORD).code()).isEqualTo("invalid_credentials");
		assertThat(AccountCalls.login(anonymous, email, "a brand new passphrase").status()).isEqualTo(200);
		assertThat(AccountCalls.as(anonymous, old).get("/v1/me/account").status()).isEqualTo(401);
		assertThat(
				anonymous.post("/v1/auth/refresh", Api.json(Map.of("refreshToken", old.get("refreshToken").asString())))
					.code())
			.isEqualTo("invalid_refresh_token");
		var reused = anonymous.post("/v1/auth/password/reset",
				Api.json(Map.of("token", token, "password", "yet another passphrase")));
		assertThat(reused.code()).isEqualTo("invalid_account_token");
	}

	@Test
	void passwordResetForAnUnknownAddressAnswersTheSameAndMailsNothing() throws Exception {
		// given
		var nobody = TestMail.uniqueAddress("nobody");
		var somebody = AccountCalls.verifiedAccount(anonymous, "somebody");

		// when
		var unknown = anonymous.post("/v1/auth/password/forgot", Api.json(Map.of("email", nobody)));
		var known = anonymous.post("/v1/auth/password/forgot", Api.json(Map.of("email", somebody)));

		// then
		assertThat(unknown.status()).isEqualTo(known.status()).isEqualTo(202);
		assertThat(unknown.text()).isEqualTo(known.text());
		AccountCalls.mail(somebody, 2);
		assertThat(TestMail.messagesTo(nobody)).isEmpty();
		var weak = anonymous.post("/v1/auth/password/reset",
				Api.json(Map.of("token", AccountCalls.tokenOfMail(somebody, 2), "password", "short")));
		assertThat(weak.code()).isEqualTo("weak_password");
	}

	@Test
	void changingThePasswordKeepsThisSessionAndEndsTheOthers() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "change");
		var here = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
		var elsewhere = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));

		// when
		var wrong = here.post("/v1/me/password",
				Api.json(Map.of("currentPassword", "not it at all", "newPassword", "a brand new passphrase")));
		var changed = here.post("/v1/me/password",
				Api.json(Map.of("currentPassword", PASSWORD, "newPassword", "a brand new passphrase")));

		// then
		assertThat(wrong.status()).isEqualTo(401);
		assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
		assertThat(here.get("/v1/me/account").status()).isEqualTo(200);
		assertThat(elsewhere.get("/v1/me/account").status()).isEqualTo(401);
		assertThat(here.get("/v1/me/sessions").body().path("data")).hasSize(1);
		assertThat(AccountCalls.login(anonymous, email, "a brand new passphrase").status()).isEqualTo(200);
	}

	@Test
	void changingTheEmailTakesEffectWhenTheNewAddressConfirms() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "old");
		var me = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
		var newEmail = TestMail.uniqueAddress("new");

		// when
		var asked = me.post("/v1/me/email", Api.json(Map.of("currentPassword", PASSWORD, "email", newEmail)));
		var confirmed = anonymous.post("/v1/auth/email/confirm",
				Api.json(Map.of("token", AccountCalls.tokenOfMail(newEmail, 1))));

		// then
		assertThat(asked.status()).as(asked.toString()).isEqualTo(202);
		assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
		assertThat(confirmed.body().get("email").asString()).isEqualTo(newEmail);
		assertThat(AccountCalls.mail(email, 2).subject()).isEqualTo("Your email address was changed");
		assertThat(AccountCalls.login(anonymous, newEmail, PASSWORD).status()).isEqualTo(200);
		assertThat(AccountCalls.login(anonymous, email, PASSWORD).code()).isEqualTo("invalid_credentials");
	}

	@Test
	void sessionsAreListedAndEndedOneByOneButNeverAnotherAccounts() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "sessions");
		var first = AccountCalls.signIn(anonymous, email);
		var second = AccountCalls.signIn(anonymous, email);
		var me = AccountCalls.as(anonymous, first);
		var other = AccountCalls.as(anonymous,
				AccountCalls.signIn(anonymous, AccountCalls.verifiedAccount(anonymous, "other")));

		// when
		var listed = me.get("/v1/me/sessions");
		var foreign = other.delete("/v1/me/sessions/" + second.get("sessionId").asString());
		var ended = me.delete("/v1/me/sessions/" + second.get("sessionId").asString());

		// then
		assertThat(listed.body().path("data")).hasSize(2);
		assertThat(listed.body().path("data").findValues("current").stream().filter(c -> c.asBoolean()).count())
			.isEqualTo(1);
		assertThat(foreign.status()).isEqualTo(404);
		assertThat(foreign.code()).isEqualTo("session_not_found");
		assertThat(ended.status()).isEqualTo(204);
		assertThat(AccountCalls.as(anonymous, second).get("/v1/me/account").status()).isEqualTo(401);
		assertThat(me.get("/v1/me/sessions").body().path("data")).hasSize(1);
		assertThat(me.delete("/v1/me/sessions/not-a-uuid").status()).isEqualTo(400);
	}

	@Test
	void aRefreshTokenIsTradedOnceForANewPair() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "refresh");
		var signIn = AccountCalls.signIn(anonymous, email);

		// when
		var refreshed = anonymous.post("/v1/auth/refresh",
				Api.json(Map.of("refreshToken", signIn.get("refreshToken").asString())));

		// then
		assertThat(refreshed.status()).as(refreshed.toString()).isEqualTo(200);
		assertThat(refreshed.body().get("refreshToken").asString()).isNotEqualTo(signIn.get("refreshToken").asString());
		assertThat(refreshed.body().get("sessionId").asString()).isEqualTo(signIn.get("sessionId").asString());
		assertThat(AccountCalls.as(anonymous, refreshed.body()).get("/v1/me/account").status()).isEqualTo(200);
		assertThat(anonymous.post("/v1/auth/refresh", Api.json(Map.of("refreshToken", "pgr_nonsense"))).code())
			.isEqualTo("invalid_refresh_token");
		assertThat(anonymous.post("/v1/auth/refresh", "{\"refreshToken\":1}").status()).isEqualTo(400);
	}

	@Test
	void signInAnswersAreNeverKeptForReplay() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "replay");
		var me = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
		var body = Api.json(Map.of("login", email, "password", PASSWORD));
		var headers = Map.of("Idempotency-Key", "sign-in-" + uniqueKey("k"));

		// when
		var first = me.send("POST", "/v1/auth/login", body, headers);
		var second = me.send("POST", "/v1/auth/login", body, headers);

		// then
		assertThat(first.status()).isEqualTo(200);
		assertThat(second.status()).isEqualTo(200);
		assertThat(second.header("Idempotent-Replayed")).isNull();
		assertThat(second.body().get("refreshToken").asString())
			.isNotEqualTo(first.body().get("refreshToken").asString());
	}

	@Test
	void aSuccessForgetsOnlyTheFailuresCountedBeforeIt() {
		// given: an attempt that saw 2 failures succeeds while 4 more were counted
		// meanwhile
		var email = AccountCalls.verifiedAccount(anonymous, "in-flight");
		var id = UUID.fromString(AccountCalls.signIn(anonymous, email).path("account").path("id").asString());
		var subject = LoginLockouts.account(id);
		var lockedUntil = Instant.now().plusSeconds(60);
		jdbc.sql("""
				update login_lockout set failed_logins = 7, locked_until = :until, last_failure_at = :now
				 where subject = :subject""")
			.param("subject", subject)
			.param("until", Timestamps.sql(lockedUntil))
			.param("now", Timestamps.sql(Instant.now()))
			.update();

		// when
		lockouts.succeeded(subject, 3);
		var afterMine = jdbc.sql("select failed_logins from login_lockout where subject = :subject")
			.param("subject", subject)
			.query(Integer.class)
			.single();
		var stillLocked = AccountCalls.login(anonymous, email, PASSWORD);
		lockouts.succeeded(subject, 4);

		// then
		assertThat(afterMine).isEqualTo(4);
		assertThat(stillLocked.code()).isEqualTo("too_many_attempts");
		assertThat(AccountCalls.login(anonymous, email, PASSWORD).status()).isEqualTo(200);
	}

	@Test
	void signingOutEndsTheSession() {
		// given
		var signIn = AccountCalls.signIn(anonymous, AccountCalls.verifiedAccount(anonymous, "logout"));
		var me = AccountCalls.as(anonymous, signIn);

		// when
		var out = me.post("/v1/auth/logout", null);

		// then
		assertThat(out.status()).isEqualTo(204);
		assertThat(me.get("/v1/me/account").status()).isEqualTo(401);
		assertThat(anonymous.post("/v1/auth/logout", null).status()).isEqualTo(401);
		assertThat(api.post("/v1/auth/logout", null).status()).isEqualTo(403);
	}

	@Test
	void accountEndpointsRefuseOtherCredentials() {
		// when
		var noKey = anonymous.get("/v1/me/account");
		var serverKey = api.get("/v1/me/account");

		// then
		assertThat(noKey.status()).isEqualTo(401);
		assertThat(serverKey.status()).isEqualTo(403);
	}

}

package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.support.Api;
import dev.plangate.support.AuthenticatorApp;
import dev.plangate.support.TestMail;

/**
 * Accounts for the console's tests: signed up and confirmed over HTTP, given a role as
 * the operator's database would, with two-factor authentication turned on through the
 * API.
 */
final class Operators {

	private static final Duration STEP = Duration.ofSeconds(30);

	private static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]+)");

	private Operators() {
	}

	/**
	 * An account with its role and, when asked, its second factor.
	 *
	 * @param recoveryCodes each signs in once
	 */
	record Operator(String email, String accountId, byte[] secret, List<String> recoveryCodes, Clock clock) {

		/**
		 * A code of the step after the current one, which the server accepts (one step
		 * either way) and which the enrolment, made in the current step, did not use.
		 */
		String nextCode() {
			return AuthenticatorApp.code(secret, clock.instant().plus(STEP));
		}

		String password() {
			return AccountCalls.PASSWORD;
		}

	}

	static Operator create(Api anonymous, JdbcClient jdbc, String prefix, String role, boolean twoFactor, Clock clock) {
		return withRole(anonymous, jdbc, AccountCalls.verifiedAccount(anonymous, prefix), role, twoFactor, clock);
	}

	/**
	 * As {@link #create}, on a server whose mail goes to the log: the verification link
	 * is read from the outbox, with the server key of {@code api}.
	 */
	static Operator createReadingTheOutbox(Api anonymous, Api api, JdbcClient jdbc, String prefix, String role,
			Clock clock) {
		var email = TestMail.uniqueAddress(prefix);
		assertThat(AccountCalls.register(anonymous, email, AccountCalls.PASSWORD).status()).isEqualTo(202);
		var listed = api.get("/v1/admin/mail-outbox?to=" + Api.encode(email)).body().path("data");
		assertThat(listed.size()).as("the verification mail to %s", email).isEqualTo(1);
		var text = api.get("/v1/admin/mail-outbox/" + listed.get(0).path("id").asString())
			.body()
			.path("text")
			.asString();
		var token = TOKEN.matcher(text);
		assertThat(token.find()).as("a token link in: %s", text).isTrue();
		var verified = anonymous.post("/v1/auth/verify-email", Api.json(Map.of("token", token.group(1))));
		assertThat(verified.status()).as(verified.toString()).isEqualTo(200);
		return withRole(anonymous, jdbc, email, role, true, clock);
	}

	private static Operator withRole(Api anonymous, JdbcClient jdbc, String email, String role, boolean twoFactor,
			Clock clock) {
		var signIn = AccountCalls.signIn(anonymous, email);
		var accountId = signIn.path("account").path("id").asString();
		var secret = new byte[0];
		var codes = new ArrayList<String>();
		if (twoFactor) {
			var me = AccountCalls.as(anonymous, signIn);
			var started = me.post("/v1/me/two-factor", Api.json(Map.of("password", AccountCalls.PASSWORD)));
			assertThat(started.status()).as(started.toString()).isEqualTo(200);
			secret = AuthenticatorApp.fromBase32(started.body().get("secret").asString());
			var confirmed = me.post("/v1/me/two-factor/confirm",
					Api.json(Map.of("code", AuthenticatorApp.code(secret, clock.instant()))));
			assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
			confirmed.body().get("recoveryCodes").forEach(c -> codes.add(c.asString()));
		}
		jdbc.sql("update account set role = :role where email = :email")
			.param("role", role)
			.param("email", email)
			.update();
		return new Operator(email, accountId, secret, codes, clock);
	}

}

package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.support.Api;
import dev.plangate.support.AuthenticatorApp;

/**
 * Accounts for the console's tests: signed up and confirmed over HTTP, given a role as
 * the operator's database would, with two-factor authentication turned on through the
 * API.
 */
final class Operators {

	private static final Duration STEP = Duration.ofSeconds(30);

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
		var email = AccountCalls.verifiedAccount(anonymous, prefix);
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

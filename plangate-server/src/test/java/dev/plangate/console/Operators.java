package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.security.InvalidKeyException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import javax.crypto.spec.SecretKeySpec;

import org.springframework.jdbc.core.simple.JdbcClient;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.support.Api;

/**
 * Accounts for the console's tests: signed up and confirmed over HTTP, given a role as
 * the operator's database would, with two-factor authentication turned on through the
 * API.
 */
final class Operators {

	private static final Duration STEP = Duration.ofSeconds(30);

	private static final TimeBasedOneTimePasswordGenerator TOTP = new TimeBasedOneTimePasswordGenerator(STEP, 6,
			TimeBasedOneTimePasswordGenerator.TOTP_ALGORITHM_HMAC_SHA1);

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
			return code(secret, clock.instant().plus(STEP));
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
			secret = fromBase32(started.body().get("secret").asString());
			var confirmed = me.post("/v1/me/two-factor/confirm",
					Api.json(Map.of("code", code(secret, clock.instant()))));
			assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
			confirmed.body().get("recoveryCodes").forEach(c -> codes.add(c.asString()));
		}
		jdbc.sql("update account set role = :role where email = :email")
			.param("role", role)
			.param("email", email)
			.update();
		return new Operator(email, accountId, secret, codes, clock);
	}

	static String code(byte[] secret, Instant at) {
		try {
			return TOTP.generateOneTimePasswordString(new SecretKeySpec(secret, "HmacSHA1"), at, Locale.ROOT);
		}
		catch (InvalidKeyException ex) {
			throw new AssertionError(ex);
		}
	}

	/** RFC 4648 base32, decoded here rather than by the server's own code. */
	private static byte[] fromBase32(String text) {
		var alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
		var out = new ByteArrayOutputStream();
		int buffer = 0;
		int bits = 0;
		for (char c : text.toCharArray()) {
			buffer = (buffer << 5) | alphabet.indexOf(c);
			bits += 5;
			if (bits >= 8) {
				out.write((buffer >>> (bits - 8)) & 0xff);
				bits -= 8;
			}
		}
		return out.toByteArray();
	}

}

package dev.plangate.support;

import java.io.ByteArrayOutputStream;
import java.security.InvalidKeyException;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import javax.crypto.spec.SecretKeySpec;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;

/**
 * What an authenticator app does with a second factor's secret, computed independently of
 * the server's own code: decode the base32 secret, make the 6-digit code of a 30 s step.
 */
public final class AuthenticatorApp {

	public static final Duration STEP = Duration.ofSeconds(30);

	private static final TimeBasedOneTimePasswordGenerator TOTP = new TimeBasedOneTimePasswordGenerator(STEP, 6,
			TimeBasedOneTimePasswordGenerator.TOTP_ALGORITHM_HMAC_SHA1);

	private AuthenticatorApp() {
	}

	/** The code of the step holding {@code at}. */
	public static String code(byte[] secret, Instant at) {
		try {
			return TOTP.generateOneTimePasswordString(new SecretKeySpec(secret, "HmacSHA1"), at, Locale.ROOT);
		}
		catch (InvalidKeyException ex) {
			throw new AssertionError(ex);
		}
	}

	/** RFC 4648 base32, decoded here rather than by the server's own code. */
	public static byte[] fromBase32(String text) {
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

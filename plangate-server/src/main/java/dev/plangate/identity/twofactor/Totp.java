package dev.plangate.identity.twofactor;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import javax.crypto.spec.SecretKeySpec;

import org.jspecify.annotations.Nullable;

import com.eatthepath.otp.TimeBasedOneTimePasswordGenerator;

/**
 * RFC 6238 time-based one-time passwords as authenticator apps make them by default:
 * HMAC-SHA1, 6 digits, 30-second steps; a code of the step before or after the current
 * one is accepted too, for clocks that drift and people who type slowly.
 */
final class Totp {

	static final Duration STEP = Duration.ofSeconds(30);

	static final int DIGITS = 6;

	/** 160 bits, the length of an HMAC-SHA1 key (RFC 4226 recommends it). */
	private static final int SECRET_BYTES = 20;

	private static final Pattern CODE = Pattern.compile("\\d{" + DIGITS + "}");

	private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

	private static final SecureRandom RANDOM = new SecureRandom();

	/** Thread-safe: it clones its MAC for each code. */
	private static final TimeBasedOneTimePasswordGenerator GENERATOR = new TimeBasedOneTimePasswordGenerator(STEP,
			DIGITS, TimeBasedOneTimePasswordGenerator.TOTP_ALGORITHM_HMAC_SHA1);

	private Totp() {
	}

	static byte[] newSecret() {
		var secret = new byte[SECRET_BYTES];
		RANDOM.nextBytes(secret);
		return secret;
	}

	/** Six digits: a TOTP code rather than a recovery code. */
	static boolean looksLikeCode(String text) {
		return CODE.matcher(text).matches();
	}

	static long step(Instant instant) {
		return Math.floorDiv(instant.getEpochSecond(), STEP.toSeconds());
	}

	static String code(byte[] secret, long step) {
		try {
			return GENERATOR.generateOneTimePasswordString(new SecretKeySpec(secret, "HmacSHA1"),
					Instant.ofEpochSecond(step * STEP.toSeconds()), Locale.ROOT);
		}
		catch (InvalidKeyException ex) {
			throw new IllegalStateException("A TOTP secret is not a usable HMAC key", ex);
		}
	}

	/**
	 * The step, within one of {@code now}'s, whose code is {@code code} and which is
	 * later than {@code lastUsedStep}; empty when there is none: a wrong, expired or
	 * reused code.
	 */
	static OptionalLong acceptedStep(byte[] secret, String code, Instant now, @Nullable Long lastUsedStep) {
		if (!looksLikeCode(code)) {
			return OptionalLong.empty();
		}
		var given = code.getBytes(StandardCharsets.US_ASCII);
		long current = step(now);
		for (long step = current - 1; step <= current + 1; step++) {
			boolean later = lastUsedStep == null || step > lastUsedStep;
			if (MessageDigest.isEqual(given, code(secret, step).getBytes(StandardCharsets.US_ASCII)) && later) {
				return OptionalLong.of(step);
			}
		}
		return OptionalLong.empty();
	}

	/** RFC 4648 base32, upper case, without padding: what authenticator apps read. */
	static String base32(byte[] bytes) {
		var text = new StringBuilder((bytes.length * 8 + 4) / 5);
		int buffer = 0;
		int bits = 0;
		for (byte b : bytes) {
			buffer = (buffer << 8) | (b & 0xff);
			bits += 8;
			while (bits >= 5) {
				text.append(BASE32.charAt((buffer >>> (bits - 5)) & 31));
				bits -= 5;
			}
		}
		if (bits > 0) {
			text.append(BASE32.charAt((buffer << (5 - bits)) & 31));
		}
		return text.toString();
	}

	/** Reads {@link #base32} text (any case, padding and spaces ignored). */
	static byte[] fromBase32(String text) {
		var bytes = new ByteArrayOutputStream();
		int buffer = 0;
		int bits = 0;
		for (char c : text.toUpperCase(Locale.ROOT).toCharArray()) {
			if (c == '=' || c == ' ') {
				continue;
			}
			int value = BASE32.indexOf(c);
			if (value < 0) {
				throw new IllegalArgumentException("'" + c + "' is not a base32 character");
			}
			buffer = (buffer << 5) | value;
			bits += 5;
			if (bits >= 8) {
				bytes.write((buffer >>> (bits - 8)) & 0xff);
				bits -= 8;
			}
		}
		return bytes.toByteArray();
	}

}

package dev.plangate.identity.twofactor;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.plangate.platform.StoredJson;

/**
 * Single-use codes that stand in for the authenticator app when it is lost: 12 random
 * base32 characters (60 bits) shown as {@code xxxx-xxxx-xxxx}. Only a SHA-256 of each is
 * stored; they are read back in any case, with or without the dashes.
 */
final class RecoveryCodes {

	static final int COUNT = 10;

	private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

	private static final int LENGTH = 12;

	private static final Pattern NORMALIZED = Pattern.compile("[a-z2-7]{" + LENGTH + "}");

	private static final SecureRandom RANDOM = new SecureRandom();

	private RecoveryCodes() {
	}

	/** {@link #COUNT} new codes, as shown to their owner. */
	static List<String> generate() {
		var codes = new ArrayList<String>(COUNT);
		for (int i = 0; i < COUNT; i++) {
			var code = new StringBuilder(LENGTH + 2);
			for (int c = 0; c < LENGTH; c++) {
				if (c > 0 && c % 4 == 0) {
					code.append('-');
				}
				code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
			}
			codes.add(code.toString());
		}
		return codes;
	}

	/** The stored hash of a code as typed, or empty when it cannot be one. */
	static Optional<String> hash(String typed) {
		var normalized = typed.strip().toLowerCase(Locale.ROOT).replace("-", "").replace(" ", "");
		if (!NORMALIZED.matcher(normalized).matches()) {
			return Optional.empty();
		}
		return Optional.of(StoredJson.sha256(normalized));
	}

}

package dev.plangate.identity.token;

import java.security.SecureRandom;
import java.util.Base64;

import dev.plangate.platform.StoredJson;

/**
 * A bearer secret that means nothing by itself (refresh tokens, emailed links, recovery
 * codes): a short type prefix and 256 random bits. Only its SHA-256 is stored.
 */
public record OpaqueToken(String text) {

	private static final SecureRandom RANDOM = new SecureRandom();

	public static OpaqueToken generate(String prefix) {
		var bytes = new byte[32];
		RANDOM.nextBytes(bytes);
		return new OpaqueToken(prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
	}

	public static String hash(String text) {
		return StoredJson.sha256(text);
	}

	public String hash() {
		return hash(text);
	}

	@Override
	public String toString() {
		return "OpaqueToken[…]";
	}

}

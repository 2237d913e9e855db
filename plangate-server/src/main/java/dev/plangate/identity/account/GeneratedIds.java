package dev.plangate.identity.account;

import java.security.SecureRandom;

/**
 * Customer ids Plangate chooses itself, for accounts ({@code usr_}) and organizations
 * ({@code org_}): a prefix and 20 random characters (100 bits) of an alphabet without
 * look-alikes.
 */
public final class GeneratedIds {

	private static final String ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

	private static final SecureRandom RANDOM = new SecureRandom();

	private GeneratedIds() {
	}

	public static String customerId(String prefix) {
		var id = new StringBuilder(prefix);
		for (int i = 0; i < 20; i++) {
			id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
		}
		return id.toString();
	}

}

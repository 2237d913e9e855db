package dev.plangate.identity.apikey;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import dev.plangate.platform.StoredJson;

/**
 * The text of a key: a type prefix, 30 random base62 characters (178 bits) and a
 * 6-character CRC32 checksum, as GitHub's tokens are. The checksum lets a malformed or
 * mistyped key be refused without a database lookup and lets secret scanners recognise
 * Plangate keys.
 */
public record ApiKeySecret(String text) {

	/** Every prefix has this length. */
	private static final int PREFIX_LENGTH = 6;

	private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

	private static final int RANDOM_LENGTH = 30;

	private static final int CHECKSUM_LENGTH = 6;

	private static final Pattern SHAPE = Pattern
		.compile("pg_(sk|wk|pk)_[0-9A-Za-z]{" + RANDOM_LENGTH + "}[0-9A-Za-z]{" + CHECKSUM_LENGTH + "}");

	private static final SecureRandom RANDOM = new SecureRandom();

	/**
	 * A new random key; the rare draw that would look weak to {@link #weakness} is drawn
	 * again.
	 */
	public static ApiKeySecret generate() {
		return generate(ApiKeyKind.SERVER);
	}

	static ApiKeySecret generate(ApiKeyKind kind) {
		while (true) {
			var body = new StringBuilder(RANDOM_LENGTH);
			for (int i = 0; i < RANDOM_LENGTH; i++) {
				body.append(BASE62.charAt(RANDOM.nextInt(BASE62.length())));
			}
			var key = new ApiKeySecret(kind.prefix() + body + checksum(body.toString()));
			if (randomnessWeakness(body.toString()).isEmpty()) {
				return key;
			}
		}
	}

	/**
	 * A well-formed key with a valid checksum, or empty: no database is asked about
	 * anything else.
	 */
	static Optional<ApiKeySecret> parse(String text) {
		if (!SHAPE.matcher(text).matches()) {
			return Optional.empty();
		}
		String body = text.substring(PREFIX_LENGTH, PREFIX_LENGTH + RANDOM_LENGTH);
		String checksum = text.substring(PREFIX_LENGTH + RANDOM_LENGTH);
		return checksum.equals(checksum(body)) ? Optional.of(new ApiKeySecret(text)) : Optional.empty();
	}

	/**
	 * Why a key chosen by an operator is too weak to use, if it is: it must be
	 * well-formed and look random: at least 15 distinct characters, no character four
	 * times in a row, no run of five consecutive characters of the alphabet (up or down).
	 */
	static Optional<String> weakness(String text) {
		if (parse(text).isEmpty() || !text.startsWith(ApiKeyKind.SERVER.prefix())) {
			return Optional
				.of("it is not a Plangate server key (pg_sk_ followed by 36 characters with a valid checksum)");
		}
		return randomnessWeakness(text.substring(PREFIX_LENGTH, PREFIX_LENGTH + RANDOM_LENGTH));
	}

	/** Why a key's random part does not look random, if it does not. */
	private static Optional<String> randomnessWeakness(String body) {
		if (body.chars().distinct().count() < 15) {
			return Optional.of("its random part uses too few distinct characters to be random");
		}
		int repeated = 1;
		int ascending = 1;
		int descending = 1;
		for (int i = 1; i < body.length(); i++) {
			int step = BASE62.indexOf(body.charAt(i)) - BASE62.indexOf(body.charAt(i - 1));
			repeated = step == 0 ? repeated + 1 : 1;
			ascending = step == 1 ? ascending + 1 : 1;
			descending = step == -1 ? descending + 1 : 1;
			if (repeated >= 4) {
				return Optional.of("its random part repeats a character four times in a row");
			}
			if (ascending >= 5 || descending >= 5) {
				return Optional.of("its random part runs through the alphabet in order");
			}
		}
		return Optional.empty();
	}

	ApiKeyKind kind() {
		for (var kind : ApiKeyKind.values()) {
			if (text.startsWith(kind.prefix())) {
				return kind;
			}
		}
		throw new IllegalStateException("A parsed key has a known prefix");
	}

	/** What is stored: the key itself never is. */
	String hash() {
		return StoredJson.sha256(text);
	}

	/** What lists show so that people can tell keys apart. */
	String displayPrefix() {
		return text.substring(0, PREFIX_LENGTH + 6);
	}

	private static String checksum(String body) {
		var crc = new CRC32();
		crc.update(body.getBytes(StandardCharsets.US_ASCII));
		long value = crc.getValue();
		var out = new char[CHECKSUM_LENGTH];
		for (int i = CHECKSUM_LENGTH - 1; i >= 0; i--) {
			out[i] = BASE62.charAt((int) (value % 62));
			value /= 62;
		}
		return new String(out);
	}

	@Override
	public String toString() {
		return displayPrefix() + "…";
	}
}

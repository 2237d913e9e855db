package dev.plangate.identity;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;

/**
 * What a password must be (OWASP ASVS 5.0, V6.2): 8 to 128 characters of any kind, no
 * composition rules, not the account's own email or username, not one of the passwords
 * tried first by every guesser.
 */
final class PasswordPolicy {

	static final int MIN_LENGTH = 8;

	static final int MAX_LENGTH = 128;

	/**
	 * The most common passwords of public breach corpora, long enough to pass the length
	 * rule.
	 */
	private static final Set<String> COMMON = Set.of("password", "password1", "password12", "password123",
			"password1234", "12345678", "123456789", "1234567890", "12345678910", "qwertyuiop", "qwerty123",
			"qwerty1234", "iloveyou", "iloveyou1", "sunshine", "princess", "football", "baseball", "welcome1",
			"welcome123", "abc12345", "abcd1234", "11111111", "00000000", "88888888", "87654321", "1q2w3e4r",
			"1q2w3e4r5t", "zaq12wsx", "trustno1", "superman", "starwars", "letmein1", "passw0rd", "p@ssw0rd",
			"p@ssword", "admin123", "administrator", "changeme", "whatever", "dragon12", "monkey123", "master12",
			"liverpool", "computer", "internet", "qwertyui", "asdfghjk", "asdfghjkl", "1qaz2wsx", "123qweasd",
			"q1w2e3r4", "q1w2e3r4t5", "aaaaaaaa", "123123123", "987654321", "michelle", "jennifer", "jordan23",
			"shadow12", "basketball", "charlie1", "samsung1", "pokemon1", "plangate", "plangate1");

	private PasswordPolicy() {
	}

	/**
	 * @throws PlangateException {@code weak_password} naming the field and the rule
	 */
	static void check(String field, String password, @Nullable String email, @Nullable String username) {
		String why = weakness(password, email, username);
		if (why != null) {
			throw new PlangateException(ErrorCode.WEAK_PASSWORD, "The password is refused: it " + why,
					List.of(new FieldError(field, why)));
		}
	}

	private static @Nullable String weakness(String password, @Nullable String email, @Nullable String username) {
		int length = password.codePointCount(0, password.length());
		if (length < MIN_LENGTH) {
			return "must have at least " + MIN_LENGTH + " characters";
		}
		if (length > MAX_LENGTH) {
			return "must have at most " + MAX_LENGTH + " characters";
		}
		var lower = password.toLowerCase(Locale.ROOT);
		if (COMMON.contains(lower)) {
			return "is one of the most common passwords";
		}
		if (lower.chars().distinct().count() < 3) {
			return "must use more than two different characters";
		}
		if (email != null && (lower.equals(email) || lower.equals(email.substring(0, email.indexOf('@'))))) {
			return "must not be the email address";
		}
		if (username != null && lower.equals(username)) {
			return "must not be the username";
		}
		return null;
	}

}

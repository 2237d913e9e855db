package dev.plangate.identity.password;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;

import org.jspecify.annotations.Nullable;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;

/**
 * What a password must be (OWASP ASVS 5.0, V6.2): 8 to 128 characters of any kind, no
 * composition rules, not the account's own email or username, not one of the passwords
 * tried first by every guesser ({@link CommonPasswords}), not one or two characters
 * repeated.
 *
 * <p>
 * A password is checked, hashed and verified in Unicode normalisation form NFKC (NIST SP
 * 800-63B 5.1.1.2), so that the same password typed composed or decomposed, or with
 * full-width or other compatibility characters, is the same password.
 */
public final class PasswordPolicy {

	static final int MIN_LENGTH = 8;

	static final int MAX_LENGTH = 128;

	private PasswordPolicy() {
	}

	/** The form a password is checked and hashed in: NFKC. */
	public static String normalize(String password) {
		return Normalizer.normalize(password, Normalizer.Form.NFKC);
	}

	/**
	 * @throws PlangateException {@code weak_password} naming the field and the rule
	 */
	public static void check(String field, String password, @Nullable String email, @Nullable String username) {
		String why = weakness(password, email, username);
		if (why != null) {
			throw new PlangateException(ErrorCode.WEAK_PASSWORD, "The password is refused: it " + why,
					List.of(new FieldError(field, why)));
		}
	}

	/**
	 * Why the password is refused, to read after "it": {@code is one of the most common
	 * passwords}; null when it is not.
	 */
	public static @Nullable String weakness(String raw, @Nullable String email, @Nullable String username) {
		var password = normalize(raw);
		int length = password.codePointCount(0, password.length());
		if (length < MIN_LENGTH) {
			return "must have at least " + MIN_LENGTH + " characters";
		}
		if (length > MAX_LENGTH) {
			return "must have at most " + MAX_LENGTH + " characters";
		}
		var lower = password.toLowerCase(Locale.ROOT);
		if (CommonPasswords.contains(lower)) {
			return "is one of the most common passwords";
		}
		// the most guessable of all, whatever the length: one or two characters repeated
		if (lower.codePoints().distinct().count() < 3) {
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

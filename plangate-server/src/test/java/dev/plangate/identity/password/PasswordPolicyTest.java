package dev.plangate.identity.password;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.text.Normalizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;

import dev.plangate.platform.PlangateException;

/**
 * The password rules and the hashing of passwords, without a server: the common-password
 * list, repetition counted in characters, normalisation to NFKC.
 */
class PasswordPolicyTest {

	private static String weakness(String password) {
		var refused = catchThrowableOfType(PlangateException.class,
				() -> PasswordPolicy.check("password", password, "someone@example.com", "someone"));
		return refused == null ? "accepted" : refused.getMessage();
	}

	@ParameterizedTest
	@ValueSource(strings = { "qwerty123456", "Password1!", "iloveyou2", "P@ssw0rd2024", "S3cur1ty!", "M0nkey123",
			"sunshine!!", "Plangate2027", "ｐａｓｓｗｏｒｄ１２３", "1q2w3e4r5t6y", "correct horse battery staple" })
	void refusesTheCommonPasswordsAndTheirSimpleVariants(String password) {
		assertThat(weakness(password)).contains("one of the most common passwords");
	}

	@ParameterizedTest
	@ValueSource(strings = { "violet kestrel ninety", "zq7-umbra-lantern", "Crème brûlée à Zoë" })
	void acceptsPasswordsNoGuesserTriesFirst(String password) {
		assertThat(weakness(password)).isEqualTo("accepted");
	}

	@Test
	void theListHoldsFarMoreThanTheTopThreeThousand() {
		assertThat(CommonPasswords.size()).isGreaterThan(90_000);
	}

	@Test
	void repetitionIsCountedInCharactersNotUtf16Units() {
		// given: each emoji is two UTF-16 units, the first of them shared
		var one = "😀".repeat(8);
		var two = "😀😁".repeat(4);
		var three = "😀😁😂".repeat(3);

		// then
		assertThat(weakness(one)).contains("more than two different characters");
		assertThat(weakness(two)).contains("more than two different characters");
		assertThat(weakness(three)).isEqualTo("accepted");
	}

	@Test
	void lengthIsCountedOnTheNormalisedForm() {
		// given: 7 characters, of which the ligature "ﬃ" is 3 in NFKC
		var password = "ﬃzq7vw";

		// then
		assertThat(password.codePointCount(0, password.length())).isEqualTo(6);
		assertThat(weakness(password)).isEqualTo("accepted");
	}

	@Test
	void aPasswordHashedComposedVerifiesDecomposedAndBack() {
		// given
		var hasher = new PasswordHasher(
				new PasswordSettings(PasswordHasher.MIN_MEMORY_KIB, PasswordHasher.MIN_ITERATIONS, 1));
		var composed = Normalizer.normalize("Crème brûlée à Zoë", Normalizer.Form.NFC);
		var decomposed = Normalizer.normalize(composed, Normalizer.Form.NFD);
		assertThat(decomposed).isNotEqualTo(composed);

		// when
		var hash = hasher.hash(composed);

		// then
		assertThat(hasher.matches(decomposed, hash)).isTrue();
		assertThat(hasher.matches(composed, hasher.hash(decomposed))).isTrue();
		assertThat(hasher.matches("Creme brulee a Zoe", hash)).isFalse();
		assertThat(hasher.needsRehash(hash)).isFalse();
	}

	@Test
	void aHashOfThePasswordAsTypedBeforeNormalisationStillVerifiesAndIsToBeReplaced() {
		// given: a hash of the decomposed form, as made before passwords were normalised
		var hasher = new PasswordHasher(
				new PasswordSettings(PasswordHasher.MIN_MEMORY_KIB, PasswordHasher.MIN_ITERATIONS, 1));
		var typed = Normalizer.normalize("Crème brûlée à Zoë", Normalizer.Form.NFD);
		var old = new Argon2PasswordEncoder(16, 32, 1, PasswordHasher.MIN_MEMORY_KIB, PasswordHasher.MIN_ITERATIONS)
			.encode(typed);

		// then
		assertThat(hasher.matches(typed, old)).isTrue();
		assertThat(hasher.matches("Crème brûlée à Zoé", old)).isFalse();
		assertThat(hasher.needsRehash(old)).isTrue();
	}

}

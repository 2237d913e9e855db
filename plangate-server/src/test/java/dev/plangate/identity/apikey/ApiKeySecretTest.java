package dev.plangate.identity.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.zip.CRC32;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ApiKeySecretTest {

	private static final String BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

	/** A random-looking body that passes every weakness rule, for keys built by hand. */
	private static final String GOOD_BODY = "Xq7Lm2Rt9Vw4Zb8Nc3Kd6Hf1Jg5Ps0";

	/**
	 * A server key made of {@code body} (30 base62 characters) and its checksum, computed
	 * independently of the production code from the documented format: CRC32 of the body
	 * as 6 base62 digits, most significant first.
	 */
	static String withValidChecksum(String body) {
		var crc = new CRC32();
		crc.update(body.getBytes(StandardCharsets.US_ASCII));
		long value = crc.getValue();
		var checksum = new char[6];
		for (int i = 5; i >= 0; i--) {
			checksum[i] = BASE62.charAt((int) (value % 62));
			value /= 62;
		}
		return "pg_sk_" + body + new String(checksum);
	}

	@Test
	void generatedKeysHaveTheDocumentedShapeAndParse() {
		// given
		var keys = IntStream.range(0, 200).mapToObj(i -> ApiKeySecret.generate()).toList();

		// then
		for (var key : keys) {
			assertThat(key.text()).matches("pg_sk_[0-9A-Za-z]{36}");
			assertThat(ApiKeySecret.parse(key.text())).contains(key);
		}
	}

	@Test
	void generatedKeysAreAllDifferent() {
		// when
		var texts = IntStream.range(0, 1000).mapToObj(i -> ApiKeySecret.generate().text()).toList();

		// then
		assertThat(texts).doesNotHaveDuplicates();
	}

	@Test
	void checksumFollowsTheDocumentedCrc32Format() {
		// given
		var generated = ApiKeySecret.generate().text();

		// when
		var rebuilt = withValidChecksum(generated.substring(6, 36));

		// then
		assertThat(generated).isEqualTo(rebuilt);
	}

	@Test
	void changingAnyOneCharacterAfterThePrefixFailsTheChecksum() {
		// given
		var key = ApiKeySecret.generate().text();

		// when
		var accepted = new ArrayList<String>();
		for (int position = 6; position < key.length(); position++) {
			for (char replacement : new char[] { '0', 'Z', 'z', 'm' }) {
				if (key.charAt(position) == replacement) {
					continue;
				}
				var changed = key.substring(0, position) + replacement + key.substring(position + 1);
				if (ApiKeySecret.parse(changed).isPresent()) {
					accepted.add(changed);
				}
			}
		}

		// then
		assertThat(accepted).as("keys with one character changed that still parse").isEmpty();
	}

	@Test
	void swappingTwoNeighbouringCharactersOfTheBodyFailsTheChecksum() {
		// given
		var key = ApiKeySecret.generate().text();
		int i = IntStream.range(6, 35).filter(p -> key.charAt(p) != key.charAt(p + 1)).findFirst().orElseThrow();

		// when
		var swapped = key.substring(0, i) + key.charAt(i + 1) + key.charAt(i) + key.substring(i + 2);

		// then
		assertThat(swapped).isNotEqualTo(key).hasSameSizeAs(key);
		assertThat(ApiKeySecret.parse(swapped)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "pg_xk_", "PG_SK_", "pg-sk-", "sk_", "pg_sk", "gp_sk_", "" })
	void keyWithAWrongPrefixIsRejected(String prefix) {
		// given
		var valid = ApiKeySecret.generate().text();

		// when
		var parsed = ApiKeySecret.parse(prefix + valid.substring(6));

		// then
		assertThat(parsed).isEmpty();
	}

	@Test
	void personalKeyHasTheSameFormatAndItsOwnKind() {
		// when
		var key = ApiKeySecret.generate(ApiKeyKind.PERSONAL);

		// then
		assertThat(key.text()).matches("pg_pk_[0-9A-Za-z]{36}");
		assertThat(ApiKeySecret.parse(key.text())).contains(key);
		assertThat(key.kind()).isEqualTo(ApiKeyKind.PERSONAL);
		assertThat(ApiKeySecret.weakness(key.text())).isPresent();
	}

	@Test
	void keyOneCharacterTooShortOrTooLongIsRejected() {
		// given
		var valid = ApiKeySecret.generate().text();

		// then
		assertThat(ApiKeySecret.parse(valid.substring(0, valid.length() - 1))).isEmpty();
		assertThat(ApiKeySecret.parse(valid + "0")).isEmpty();
		assertThat(ApiKeySecret.parse("0" + valid)).isEmpty();
	}

	@ParameterizedTest
	@ValueSource(strings = { "", " ", "pg_sk_", "changeme", "Bearer", "pg_sk_short",
			"pg_sk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" })
	void textThatIsNotAKeyIsRejected(String text) {
		assertThat(ApiKeySecret.parse(text)).isEmpty();
	}

	@Test
	void keyWithSurroundingWhitespaceOrForeignCharactersIsRejected() {
		// given
		var valid = ApiKeySecret.generate().text();

		// then
		assertThat(ApiKeySecret.parse(" " + valid)).isEmpty();
		assertThat(ApiKeySecret.parse(valid + "\n")).isEmpty();
		assertThat(ApiKeySecret.parse(valid.substring(0, 10) + "_" + valid.substring(11))).isEmpty();
		assertThat(ApiKeySecret.parse(valid.substring(0, 10) + "é" + valid.substring(11))).isEmpty();
		assertThat(ApiKeySecret.parse(valid.substring(0, 10) + "-" + valid.substring(11))).isEmpty();
	}

	@Test
	void handBuiltKeyWithAValidChecksumParsesAndIsNotWeak() {
		// given
		var key = withValidChecksum(GOOD_BODY);

		// then
		assertThat(ApiKeySecret.parse(key)).map(ApiKeySecret::text).contains(key);
		assertThat(ApiKeySecret.weakness(key)).isEmpty();
	}

	@Test
	void generatedKeysAreNotWeak() {
		// given
		var keys = IntStream.range(0, 200).mapToObj(i -> ApiKeySecret.generate().text()).toList();

		// then
		for (var key : keys) {
			assertThat(ApiKeySecret.weakness(key)).as(key).isEmpty();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "changeme", "", "secret", "pg_sk_changeme" })
	void textThatIsNotAKeyIsWeakBecauseItIsNotAKey(String text) {
		// when
		var weakness = ApiKeySecret.weakness(text);

		// then
		assertThat(weakness).hasValueSatisfying(why -> assertThat(why).contains("not a Plangate server key"));
	}

	@Test
	void keyWithABadChecksumIsWeakBecauseItIsNotAKey() {
		// given
		var good = withValidChecksum(GOOD_BODY);
		var badChecksum = good.substring(0, good.length() - 1) + (good.endsWith("0") ? "1" : "0");

		// when
		var weakness = ApiKeySecret.weakness(badChecksum);

		// then
		assertThat(weakness).hasValueSatisfying(why -> assertThat(why).contains("not a Plangate server key"));
	}

	@ParameterizedTest
	@ValueSource(strings = { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "000000000000000000000000000000",
			"ababababababababababababababab", "012345678901234567890123456789", "AAAAAAAAAAAAAAABBBBBBBBBBBBBBB" })
	void wellFormedKeyWithFewDistinctCharactersIsWeak(String body) {
		// given
		var key = withValidChecksum(body);

		// when
		var weakness = ApiKeySecret.weakness(key);

		// then
		assertThat(ApiKeySecret.parse(key)).as("well-formed").isPresent();
		assertThat(weakness).hasValueSatisfying(why -> assertThat(why).contains("too few"));
	}

	@Test
	void wellFormedKeyWithALongRunOfOneCharacterIsWeak() {
		// given: 16 distinct characters, but half the random part is one repeated
		// character
		var key = withValidChecksum("aaaaaaaaaaaaaaa0123456789ABCDE");

		// when
		var weakness = ApiKeySecret.weakness(key);

		// then: weakness() documents its rule as "no long runs, enough distinct
		// characters"
		assertThat(ApiKeySecret.parse(key)).as("well-formed").isPresent();
		assertThat(weakness).isPresent();
	}

	@Test
	void wellFormedKeyThatIsTheAlphabetInOrderIsWeak() {
		// given: 30 distinct characters, typed in order
		var key = withValidChecksum("0123456789ABCDEFGHIJKLMNOPQRST");

		// when
		var weakness = ApiKeySecret.weakness(key);

		// then
		assertThat(ApiKeySecret.parse(key)).as("well-formed").isPresent();
		assertThat(weakness).isPresent();
	}

	@Test
	void displayPrefixShowsOnlyTheTypeAndSixCharacters() {
		// given
		var keys = IntStream.range(0, 50).mapToObj(i -> ApiKeySecret.generate()).toList();

		// then
		for (var key : keys) {
			var prefix = key.displayPrefix();
			assertThat(prefix).hasSize(12).startsWith("pg_sk_").isEqualTo(key.text().substring(0, 12));
			assertThat(prefix).doesNotContain(key.text().substring(12));
		}
	}

	@Test
	void toStringShowsTheDisplayPrefixButNeverTheSecret() {
		// given
		var key = ApiKeySecret.generate();
		var hidden = key.text().substring(12);

		// when
		var shown = key.toString();

		// then
		assertThat(shown).startsWith(key.displayPrefix())
			.doesNotContain(key.text())
			.doesNotContain(hidden)
			.doesNotContain(hidden.substring(0, 8))
			.doesNotContain(hidden.substring(hidden.length() - 6));
		assertThat(String.valueOf(List.of(key))).doesNotContain(hidden);
	}

	@Test
	void hashIsAStableSha256ThatDoesNotContainTheSecret() {
		// given
		var key = ApiKeySecret.generate();
		var other = ApiKeySecret.generate();

		// when
		var hash = key.hash();

		// then
		assertThat(hash).matches("[0-9a-f]{64}")
			.isEqualTo(ApiKeySecret.parse(key.text()).orElseThrow().hash())
			.isNotEqualTo(other.hash())
			.doesNotContain(key.text().substring(6));
	}

}

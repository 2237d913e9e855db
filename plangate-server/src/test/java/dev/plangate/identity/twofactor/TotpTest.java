package dev.plangate.identity.twofactor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;

import org.junit.jupiter.api.Test;

class TotpTest {

	/** The SHA-1 seed of RFC 6238's test vectors. */
	private static final byte[] RFC_SECRET = "12345678901234567890".getBytes(StandardCharsets.US_ASCII);

	@Test
	void base32FollowsRfc4648() {
		// given
		var foobar = "foobar".getBytes(StandardCharsets.US_ASCII);

		// when
		var text = Totp.base32(foobar);

		// then
		assertThat(text).isEqualTo("MZXW6YTBOI");
		assertThat(Totp.base32("f".getBytes(StandardCharsets.US_ASCII))).isEqualTo("MY");
		assertThat(Totp.fromBase32("mzxw6ytboi======")).isEqualTo(foobar);
		var secret = Totp.newSecret();
		assertThat(Totp.fromBase32(Totp.base32(secret))).isEqualTo(secret);
	}

	@Test
	void codesMatchTheRfc6238Vectors() {
		// given the 8-digit vectors of RFC 6238 appendix B, of which a 6-digit code is
		// the tail

		// when / then
		assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(59)))).isEqualTo("287082");
		assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(1111111109)))).isEqualTo("081804");
		assertThat(Totp.code(RFC_SECRET, Totp.step(Instant.ofEpochSecond(2000000000)))).isEqualTo("279037");
	}

	@Test
	void acceptsOneStepEitherWayOnlyLaterThanTheLastUsed() {
		// given
		var now = Instant.ofEpochSecond(1111111109);
		long step = Totp.step(now);

		// when / then
		assertThat(Totp.acceptedStep(RFC_SECRET, Totp.code(RFC_SECRET, step - 1), now, null)).hasValue(step - 1);
		assertThat(Totp.acceptedStep(RFC_SECRET, Totp.code(RFC_SECRET, step + 1), now, null)).hasValue(step + 1);
		assertThat(Totp.acceptedStep(RFC_SECRET, Totp.code(RFC_SECRET, step - 2), now, null)).isEmpty();
		assertThat(Totp.acceptedStep(RFC_SECRET, Totp.code(RFC_SECRET, step + 2), now, null)).isEmpty();
		assertThat(Totp.acceptedStep(RFC_SECRET, Totp.code(RFC_SECRET, step), now, step)).isEmpty();
		assertThat(Totp.acceptedStep(RFC_SECRET, Totp.code(RFC_SECRET, step), now, step - 1)).hasValue(step);
		assertThat(Totp.acceptedStep(RFC_SECRET, "12345", now, null)).isEmpty();
	}

	@Test
	void recoveryCodesAreTenDistinctSixtyBitCodesReadInAnyCase() {
		// when
		var codes = RecoveryCodes.generate();

		// then
		assertThat(codes).hasSize(10).allMatch(c -> c.matches("[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}"));
		assertThat(new HashSet<>(codes)).hasSize(10);
		var code = codes.get(0);
		assertThat(RecoveryCodes.hash(" " + code.toUpperCase().replace("-", "") + " "))
			.isEqualTo(RecoveryCodes.hash(code));
		assertThat(RecoveryCodes.hash(code).orElseThrow()).hasSize(64).doesNotContain(code.replace("-", ""));
		assertThat(RecoveryCodes.hash("not-a-code")).isEmpty();
	}

}

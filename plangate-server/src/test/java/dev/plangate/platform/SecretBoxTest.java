package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Base64;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretBoxTest {

	private final SecretBox box = SecretBox.ofBase64(SecretBox.generateKey());

	@Test
	void opensWhatItSealedForTheSamePurpose() {
		// given
		var sealed = box.encrypt("JBSWY3DPEHPK3PXP", "totp:account-1");

		// when
		var opened = box.decrypt(sealed, "totp:account-1");

		// then
		assertThat(opened).isEqualTo("JBSWY3DPEHPK3PXP");
		assertThat(sealed).doesNotContain("JBSWY3DPEHPK3PXP");
	}

	@Test
	void sealedFormIsVersionNonceAndCiphertextWithTag() {
		// given
		var plaintext = "sixteen bytes!!!".getBytes(StandardCharsets.UTF_8);

		// when
		var sealed = box.seal(plaintext, "p");

		// then
		assertThat(sealed).hasSize(1 + 12 + plaintext.length + 16);
		assertThat(sealed[0]).isEqualTo(SecretBox.KEY_VERSION);
	}

	@Test
	void sealingTwiceGivesDifferentBytes() {
		// when
		var first = box.encrypt("same", "p");
		var second = box.encrypt("same", "p");

		// then: a fresh random nonce each time
		assertThat(first).isNotEqualTo(second);
	}

	@Test
	void refusesToOpenForAnotherPurpose() {
		// given
		var sealed = box.encrypt("secret", "signing_key:a");

		// when / then
		assertThatThrownBy(() -> box.decrypt(sealed, "signing_key:b")).isInstanceOf(SecretBox.CannotOpen.class);
	}

	@Test
	void refusesToOpenUnderAnotherKey() {
		// given
		var sealed = box.encrypt("secret", "p");
		var other = SecretBox.ofBase64(SecretBox.generateKey());

		// when / then
		assertThatThrownBy(() -> other.decrypt(sealed, "p")).isInstanceOf(SecretBox.CannotOpen.class)
			.hasMessageContaining("another master key");
	}

	@Test
	void refusesAlteredBytes() {
		// given
		var sealed = box.seal("secret".getBytes(StandardCharsets.UTF_8), "p");
		sealed[sealed.length - 1] ^= 1;

		// when / then
		assertThatThrownBy(() -> box.open(sealed, "p")).isInstanceOf(SecretBox.CannotOpen.class);
	}

	@Test
	void refusesAnUnknownKeyVersionAndTruncatedInput() {
		// given
		var sealed = box.seal("secret".getBytes(StandardCharsets.UTF_8), "p");
		sealed[0] = 9;

		// when / then
		assertThatThrownBy(() -> box.open(sealed, "p")).isInstanceOf(SecretBox.CannotOpen.class)
			.hasMessageContaining("key version 9");
		assertThatThrownBy(() -> box.open(new byte[5], "p")).isInstanceOf(SecretBox.CannotOpen.class);
		assertThatThrownBy(() -> box.decrypt("not base64 !!", "p")).isInstanceOf(SecretBox.CannotOpen.class);
	}

	@Test
	void refusesKeysThatAreNot32BytesWithoutRepeatingThem() {
		// given
		var short16 = Base64.getEncoder().encodeToString(new byte[16]);

		// when / then
		assertThatThrownBy(() -> SecretBox.ofBase64(short16)).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("32 bytes")
			.hasMessageNotContaining(short16);
		assertThatThrownBy(() -> SecretBox.ofBase64("changeme!")).isInstanceOf(IllegalArgumentException.class)
			.hasMessageContaining("not base64");
	}

	@Test
	void neverShowsItsKey() {
		// given
		var key = SecretBox.generateKey();

		// when
		var text = SecretBox.ofBase64(key).toString();

		// then
		assertThat(text).doesNotContain(key).contains("AES-256-GCM");
	}

	@Test
	void keyFileIsMadeOwnerOnlyOnceAndReadAfterwards(@TempDir Path dataDir) throws Exception {
		// given
		var file = dataDir.resolve("nested").resolve("master.key");

		// when
		var first = SecretBoxConfiguration.fromFile(file);
		var sealed = first.encrypt("secret", "p");
		var second = SecretBoxConfiguration.fromFile(file);

		// then
		assertThat(second.decrypt(sealed, "p")).isEqualTo("secret");
		assertThat(Base64.getDecoder().decode(Files.readString(file).strip())).hasSize(32);
		if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
			assertThat(Files.getPosixFilePermissions(file))
				.isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
		}
		try (var files = Files.list(file.getParent())) {
			assertThat(files.map(p -> p.getFileName().toString())).containsExactly("master.key");
		}
	}

	@Test
	void aDamagedKeyFileStopsStartUpSayingWhere(@TempDir Path dataDir) throws Exception {
		// given
		var file = dataDir.resolve("master.key");
		Files.writeString(file, "not a key");

		// when / then
		assertThatThrownBy(() -> SecretBoxConfiguration.fromFile(file)).isInstanceOf(IllegalStateException.class)
			.hasMessageContaining(file.toAbsolutePath().toString())
			.hasMessageContaining("PLANGATE_MASTER_KEY");
	}

}

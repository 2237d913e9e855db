package dev.plangate.platform;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts small secrets for storage (signing keys, TOTP secrets) with AES-256-GCM under
 * the master key. A sealed secret is a key version byte, a random 96-bit nonce and the
 * ciphertext with its tag; the associated data is the version and a purpose string, so a
 * secret sealed for one purpose (say {@code signing_key:<kid>}) cannot be opened as
 * another. Nothing here ever logs or prints a key or a secret.
 */
public final class SecretBox {

	/** The length of a master key, in bytes. */
	public static final int KEY_BYTES = 32;

	/** Written first in every sealed secret; a later key or format gets the next. */
	static final byte KEY_VERSION = 1;

	private static final int NONCE_BYTES = 12;

	private static final int TAG_BITS = 128;

	private static final SecureRandom RANDOM = new SecureRandom();

	private final SecretKeySpec key;

	private SecretBox(byte[] key) {
		if (key.length != KEY_BYTES) {
			throw new IllegalArgumentException(
					"A master key is " + KEY_BYTES + " bytes, not " + key.length + " (base64 of 32 random bytes)");
		}
		this.key = new SecretKeySpec(key.clone(), "AES");
	}

	/** A box under {@code key}, 32 bytes. */
	public static SecretBox of(byte[] key) {
		return new SecretBox(Objects.requireNonNull(key, "key"));
	}

	/**
	 * A box under the base64 text of a 32-byte key, or an
	 * {@link IllegalArgumentException} that says what is wrong without repeating it.
	 */
	public static SecretBox ofBase64(String key) {
		byte[] bytes;
		try {
			bytes = Base64.getDecoder().decode(key.strip());
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("A master key is base64 of 32 random bytes; this one is not base64");
		}
		return of(bytes);
	}

	/** A new random master key as base64 text. */
	public static String generateKey() {
		var bytes = new byte[KEY_BYTES];
		RANDOM.nextBytes(bytes);
		return Base64.getEncoder().encodeToString(bytes);
	}

	/** Seals {@code plaintext} for {@code purpose}. */
	public byte[] seal(byte[] plaintext, String purpose) {
		var nonce = new byte[NONCE_BYTES];
		RANDOM.nextBytes(nonce);
		try {
			var cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
			cipher.updateAAD(associatedData(KEY_VERSION, purpose));
			var sealed = cipher.doFinal(plaintext);
			return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length).put(KEY_VERSION).put(nonce).put(sealed).array();
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is not available", ex);
		}
	}

	/**
	 * Opens what {@link #seal} sealed for the same purpose under the same key, or throws
	 * {@link CannotOpen}: another key, another purpose, or altered bytes.
	 */
	public byte[] open(byte[] sealed, String purpose) {
		if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8) {
			throw new CannotOpen("The sealed secret is too short to be one");
		}
		if (sealed[0] != KEY_VERSION) {
			throw new CannotOpen("The sealed secret has key version " + sealed[0] + "; this box knows " + KEY_VERSION);
		}
		try {
			var cipher = Cipher.getInstance("AES/GCM/NoPadding");
			cipher.init(Cipher.DECRYPT_MODE, key,
					new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES)));
			cipher.updateAAD(associatedData(sealed[0], purpose));
			return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
		}
		catch (AEADBadTagException ex) {
			throw new CannotOpen(
					"The sealed secret does not open: another master key, another purpose, or altered bytes");
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("AES-GCM is not available", ex);
		}
	}

	/** Seals text for {@code purpose} as URL-safe base64 text, for a text column. */
	public String encrypt(String plaintext, String purpose) {
		return Base64.getUrlEncoder()
			.withoutPadding()
			.encodeToString(seal(plaintext.getBytes(StandardCharsets.UTF_8), purpose));
	}

	/** Opens what {@link #encrypt} sealed; {@link CannotOpen} as {@link #open}. */
	public String decrypt(String sealed, String purpose) {
		byte[] bytes;
		try {
			bytes = Base64.getUrlDecoder().decode(sealed);
		}
		catch (IllegalArgumentException ex) {
			throw new CannotOpen("The sealed secret is not base64");
		}
		return new String(open(bytes, purpose), StandardCharsets.UTF_8);
	}

	private static byte[] associatedData(byte version, String purpose) {
		var text = purpose.getBytes(StandardCharsets.UTF_8);
		return ByteBuffer.allocate(1 + text.length).put(version).put(text).array();
	}

	@Override
	public String toString() {
		return "SecretBox[AES-256-GCM, key version " + KEY_VERSION + "]";
	}

	/** A sealed secret that does not open with this box. */
	public static final class CannotOpen extends RuntimeException {

		CannotOpen(String message) {
			super(message);
		}

	}

}

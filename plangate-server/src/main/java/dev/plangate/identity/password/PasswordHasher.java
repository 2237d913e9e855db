package dev.plangate.identity.password;

import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import org.springframework.stereotype.Component;

/**
 * Argon2id in the PHC string format ({@code $argon2id$v=19$m=…,t=…,p=…$salt$hash}), with
 * parameters at or above OWASP's minimum (m=19 MiB, t=2, p=1), of the password in NFKC
 * ({@link PasswordPolicy#normalize}); such a hash is marked {@value #NORMALIZED}. A hash
 * without the mark, made before passwords were normalised, is of the password as it was
 * typed: it is verified with the normalised form, then the typed one. A hash without the
 * mark or made with weaker parameters than the current ones is replaced at the next
 * successful login.
 */
@Component
public class PasswordHasher {

	public static final int MIN_MEMORY_KIB = 19 * 1024;

	public static final int MIN_ITERATIONS = 2;

	/** The prefix of a hash of the normalised password. */
	public static final String NORMALIZED = "{nfkc}";

	private final Argon2PasswordEncoder encoder;

	/**
	 * Verified against when the login names no account, so an unknown login costs what a
	 * known one does.
	 */
	private final String decoy;

	PasswordHasher(PasswordSettings settings) {
		this.encoder = new Argon2PasswordEncoder(16, 32, settings.parallelism(), settings.memoryKib(),
				settings.iterations());
		this.decoy = encoder.encode("decoy password for unknown logins");
	}

	public String hash(String password) {
		return NORMALIZED + encoder.encode(PasswordPolicy.normalize(password));
	}

	public boolean matches(String password, String hash) {
		var normalized = PasswordPolicy.normalize(password);
		if (hash.startsWith(NORMALIZED)) {
			return encoder.matches(normalized, hash.substring(NORMALIZED.length()));
		}
		return encoder.matches(normalized, hash) || (!normalized.equals(password) && encoder.matches(password, hash));
	}

	/** Spends the time of one verification, for a login that names no account. */
	public void verifyDecoy(String password) {
		encoder.matches(PasswordPolicy.normalize(password), decoy);
	}

	public boolean needsRehash(String hash) {
		return !hash.startsWith(NORMALIZED) || encoder.upgradeEncoding(hash.substring(NORMALIZED.length()));
	}

}

package dev.plangate.identity.password;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * The cost of Argon2id password hashes ({@code plangate.accounts.argon2.*}): never below
 * OWASP's minimum (m=19 MiB, t=2, p=1). Hashes made with weaker parameters than the
 * current ones are replaced at the next successful login.
 *
 * @param memoryKib memory per hash in KiB, at least 19456 (19 MiB)
 * @param iterations passes over the memory, at least 2
 * @param parallelism lanes computed at once, at least 1
 */
@ConfigurationProperties("plangate.accounts.argon2")
record PasswordSettings(@DefaultValue("19456") int memoryKib, @DefaultValue("2") int iterations,
		@DefaultValue("1") int parallelism) {

	PasswordSettings {
		Settings.atLeast("plangate.accounts.argon2.memory-kib", memoryKib, PasswordHasher.MIN_MEMORY_KIB);
		Settings.atLeast("plangate.accounts.argon2.iterations", iterations, PasswordHasher.MIN_ITERATIONS);
		Settings.atLeast("plangate.accounts.argon2.parallelism", parallelism, 1);
	}

}

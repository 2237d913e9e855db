package dev.plangate.identity.account;

import java.time.Duration;
import java.util.Locale;

/** Why a single-use token was mailed, and how long it lives. */
enum AccountTokenPurpose {

	VERIFY_EMAIL(Duration.ofHours(24)), RESET_PASSWORD(Duration.ofMinutes(30)), CHANGE_EMAIL(Duration.ofHours(24));

	private final Duration lifetime;

	AccountTokenPurpose(Duration lifetime) {
		this.lifetime = lifetime;
	}

	Duration lifetime() {
		return lifetime;
	}

	String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}

package dev.plangate.identity.account;

import java.util.Locale;

/**
 * What an account may do only once its address is confirmed, when
 * {@code plangate.accounts.verified-email-required-for} names it (all by default).
 */
public enum SensitiveAction {

	TWO_FACTOR("turn on two-factor authentication"), API_KEYS("create an API key"),
	ORGANIZATIONS("create or join an organization");

	private final String description;

	SensitiveAction(String description) {
		this.description = description;
	}

	String description() {
		return description;
	}

	String id() {
		return name().toLowerCase(Locale.ROOT);
	}

}

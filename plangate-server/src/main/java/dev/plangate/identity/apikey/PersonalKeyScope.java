package dev.plangate.identity.apikey;

import java.util.Locale;
import java.util.Optional;

/**
 * What a personal API key may do on {@code /v1/me/**}: {@code read} is GET only,
 * {@code write} is every method (and implies {@code read}).
 */
public enum PersonalKeyScope {

	READ, WRITE;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	static Optional<PersonalKeyScope> of(String id) {
		for (var scope : values()) {
			if (scope.id().equals(id)) {
				return Optional.of(scope);
			}
		}
		return Optional.empty();
	}

}

package dev.plangate.customer;

import java.util.Locale;

public enum CustomerStatus {

	ACTIVE, SUSPENDED, DELETED;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	static CustomerStatus of(String id) {
		return valueOf(id.toUpperCase(Locale.ROOT));
	}

}

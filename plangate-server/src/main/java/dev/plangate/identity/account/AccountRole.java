package dev.plangate.identity.account;

import java.util.List;
import java.util.Locale;

/**
 * What an account may do: its own things; read the back office (support); change
 * customers, plans and keys there too (admin); or everything (superadmin).
 */
public enum AccountRole {

	USER, SUPPORT, ADMIN, SUPERADMIN;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * This role's id and the ids of the roles it includes, as access tokens carry them.
	 */
	public List<String> ids() {
		return switch (this) {
			case USER -> List.of("user");
			case SUPPORT -> List.of("support", "user");
			case ADMIN -> List.of("admin", "support", "user");
			case SUPERADMIN -> List.of("superadmin", "admin", "support", "user");
		};
	}

	public static AccountRole of(String id) {
		return valueOf(id.toUpperCase(Locale.ROOT));
	}

}

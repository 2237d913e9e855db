package dev.plangate.identity;

import java.util.Locale;

/**
 * What an operator may do in the back office: read it (support), change customers, plans
 * and keys there too (admin), or everything (superadmin). Each includes the ones before
 * it.
 */
public enum OperatorRole {

	SUPPORT, ADMIN, SUPERADMIN;

	public String id() {
		return name().toLowerCase(Locale.ROOT);
	}

	public boolean includes(OperatorRole other) {
		return ordinal() >= other.ordinal();
	}

}

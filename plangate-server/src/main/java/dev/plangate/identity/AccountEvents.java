package dev.plangate.identity;

import java.util.UUID;

/** What happens to accounts, published inside the transaction that made the change. */
final class AccountEvents {

	private AccountEvents() {
	}

	/**
	 * The password was reset by mail: whoever held the account before may have left keys
	 * behind.
	 */
	record PasswordReset(UUID accountId) {
	}

}

package dev.plangate.identity.account;

import java.util.UUID;

/** What happens to accounts, published inside the transaction that made the change. */
public final class AccountEvents {

	private AccountEvents() {
	}

	/**
	 * The password was reset by mail: whoever held the account before may have left keys
	 * behind.
	 */
	public record PasswordReset(UUID accountId) {
	}

}

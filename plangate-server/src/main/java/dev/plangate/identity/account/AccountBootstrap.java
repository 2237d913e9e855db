package dev.plangate.identity.account;

import java.security.SecureRandom;
import java.time.Clock;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.identity.password.PasswordHasher;

/**
 * The first superadmin, made on the first start of an empty database: with the password
 * of {@code PLANGATE_ADMIN_PASSWORD}, or a one-time password printed once. Either way it
 * must be changed at the first sign-in.
 */
@Component
class AccountBootstrap implements SmartInitializingSingleton {

	private static final Logger log = LoggerFactory.getLogger(AccountBootstrap.class);

	private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

	private final AccountService accounts;

	private final AccountRepository repository;

	private final PasswordHasher hasher;

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final String email;

	private final String password;

	AccountBootstrap(AccountService accounts, AccountRepository repository, PasswordHasher hasher, JdbcClient jdbc,
			TransactionTemplate transactions, Clock clock, AdminSettings settings) {
		this.accounts = accounts;
		this.repository = repository;
		this.hasher = hasher;
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.clock = clock;
		this.email = settings.email();
		this.password = settings.password();
	}

	@Override
	public void afterSingletonsInstantiated() {
		String printed = transactions.execute(status -> {
			jdbc.sql("select name from startup_lock where name = 'account_bootstrap' for update")
				.query(String.class)
				.single();
			if (repository.anyWithRole(AccountRole.SUPERADMIN)) {
				return null;
			}
			String chosen = password.isEmpty() ? oneTimePassword() : password;
			accounts.create(email, "admin", hasher.hash(chosen), AccountRole.SUPERADMIN, clock.instant(), true);
			return password.isEmpty() ? chosen : "";
		});
		report(printed);
	}

	private void report(@Nullable String printed) {
		if (printed == null) {
			return;
		}
		if (printed.isEmpty()) {
			log.info("Created the first superadmin account {} with PLANGATE_ADMIN_PASSWORD", email);
			return;
		}
		log.warn("""

				================================================================================
				  Plangate created its first superadmin account. Its one-time password is
				  shown this once only:

				      login:    {}
				      password: {}

				  Sign in with POST /v1/auth/login; the password must be changed first.
				================================================================================
				""", email, printed);
	}

	private static String oneTimePassword() {
		var random = new SecureRandom();
		var text = new StringBuilder();
		for (int i = 0; i < 20; i++) {
			if (i > 0 && i % 5 == 0) {
				text.append('-');
			}
			text.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
		}
		return text.toString();
	}

}

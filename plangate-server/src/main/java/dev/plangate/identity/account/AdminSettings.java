package dev.plangate.identity.account;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.identity.password.PasswordPolicy;
import dev.plangate.platform.Settings;

/**
 * The first superadmin, made while the database has none ({@code plangate.admin.*}).
 *
 * @param email the first superadmin's address
 * @param password the first superadmin's password; without one, a one-time password is
 * printed once. Either must be replaced at the first sign-in
 */
@ConfigurationProperties("plangate.admin")
record AdminSettings(@DefaultValue("admin@localhost") String email, @DefaultValue("") String password) {

	AdminSettings {
		email = AccountService.normalizeEmail(email);
		Settings.require(email.matches("[^@\\s]+@[^@\\s]+"), "plangate.admin.email",
				"must be an email address such as 'admin@example.com', not '" + email + "'");
		if (!password.isEmpty()) {
			// the password itself is never repeated
			var why = PasswordPolicy.weakness(password, email, null);
			Settings.require(why == null, "plangate.admin.password", "is refused: it " + why);
		}
	}

	/** Without the password. */
	@Override
	public String toString() {
		return "AdminSettings[email=" + email + ", password=" + (password.isEmpty() ? "" : "(set)") + "]";
	}

}

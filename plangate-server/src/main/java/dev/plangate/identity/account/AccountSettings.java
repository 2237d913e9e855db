package dev.plangate.identity.account;

import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.convert.DurationStyle;

import dev.plangate.enforcement.RateLimit;
import dev.plangate.platform.Settings;

/**
 * Sessions, sign-in throttling and lockout, the links of the account mails, and what
 * waits for a confirmed address ({@code plangate.accounts.*}).
 *
 * @param sessionIdleTimeout how long a refresh token lives unused
 * @param sessionLifetime the longest a session lives, however often it is refreshed
 * @param refreshReuseGrace how long after its use a refresh token presented again is
 * taken for a second tab refreshing at once rather than for a stolen copy (which revokes
 * its whole session)
 * @param ipLimits attempts per client IP
 * @param mailLimit mails an account may ask for (confirmation links, address changes,
 * invitations), per account and per IP, as {@code count/period}
 * @param lockout the lockout of sign-in attempts
 * @param verifiedEmailRequiredFor what an account may do only with a confirmed address,
 * of {@code two_factor}, {@code api_keys} and {@code organizations} (creating or joining
 * one); empty for nothing
 * @param links the product's pages that the account mails link to; they post the token
 * back to {@code /v1/auth/*}
 */
@ConfigurationProperties("plangate.accounts")
record AccountSettings(@DefaultValue("7d") Duration sessionIdleTimeout, @DefaultValue("30d") Duration sessionLifetime,
		@DefaultValue("10s") Duration refreshReuseGrace, @DefaultValue IpLimits ipLimits,
		@DefaultValue("20/1h") String mailLimit, @DefaultValue Lockout lockout,
		@DefaultValue("two_factor,api_keys,organizations") Set<String> verifiedEmailRequiredFor,
		@DefaultValue Links links) {

	AccountSettings {
		Settings.positive("plangate.accounts.session-idle-timeout", sessionIdleTimeout);
		Settings.positive("plangate.accounts.session-lifetime", sessionLifetime);
		Settings.notNegative("plangate.accounts.refresh-reuse-grace", refreshReuseGrace);
		rate("plangate.accounts.mail-limit", mailLimit);
		// the default comes as one element, its names separated by commas
		verifiedEmailRequiredFor = verifiedEmailRequiredFor.stream()
			.flatMap(names -> Arrays.stream(names.split(",")))
			.map(String::strip)
			.filter(action -> !action.isEmpty())
			.collect(Collectors.toUnmodifiableSet());
		for (var action : verifiedEmailRequiredFor) {
			Settings.require(Arrays.stream(SensitiveAction.values()).anyMatch(a -> a.id().equals(action)),
					"plangate.accounts.verified-email-required-for",
					"names '" + action + "'; it may name two_factor, api_keys and organizations, or nothing");
		}
	}

	/** The limit per client IP of a scope (mails: per account too). */
	RateLimit perIp(AuthThrottle.Scope scope) {
		return switch (scope) {
			case LOGIN -> rate("plangate.accounts.ip-limits.login", ipLimits.login());
			case REGISTER -> rate("plangate.accounts.ip-limits.register", ipLimits.register());
			case PASSWORD_RESET -> rate("plangate.accounts.ip-limits.password-reset", ipLimits.passwordReset());
			case TWO_FACTOR -> rate("plangate.accounts.ip-limits.two-factor", ipLimits.twoFactor());
			case MAIL -> rate("plangate.accounts.mail-limit", mailLimit);
		};
	}

	/** {@code 60/1h}: 60 attempts an hour. */
	static RateLimit rate(String property, String text) {
		int slash = text.indexOf('/');
		try {
			return new RateLimit(Long.parseLong(text.substring(0, slash).strip()),
					DurationStyle.detectAndParse(text.substring(slash + 1).strip()));
		}
		catch (RuntimeException ex) {
			throw Settings.invalid(property,
					"must read like '60/1h' (a count of at least 1, a positive period), not '" + text + "'");
		}
	}

	/**
	 * Attempts per client IP, each as {@code count/period}; per-account limits come from
	 * the plan's {@code <scope>_rate} feature and the lockout (docs/accounts.md).
	 *
	 * @param login sign-in attempts per client IP, as {@code count/period}; per-account
	 * limits come from the plan's {@code login_rate} and the lockout (docs/accounts.md)
	 * @param register sign-ups per client IP, as {@code count/period}
	 * @param passwordReset password reset requests per client IP, as
	 * {@code count/period}; per account, the plan's {@code password_reset_rate}
	 * @param twoFactor second-factor codes per client IP, as {@code count/period}; per
	 * account, the plan's {@code two_factor_rate} and the lockout
	 */
	record IpLimits(@DefaultValue("60/1h") String login, @DefaultValue("20/1h") String register,
			@DefaultValue("20/1h") String passwordReset, @DefaultValue("60/1h") String twoFactor) {

		IpLimits {
			rate("plangate.accounts.ip-limits.login", login);
			rate("plangate.accounts.ip-limits.register", register);
			rate("plangate.accounts.ip-limits.password-reset", passwordReset);
			rate("plangate.accounts.ip-limits.two-factor", twoFactor);
		}

	}

	/**
	 * The lockout of sign-in attempts, for an account and a login without one alike.
	 *
	 * @param threshold failures from which the subject (an account, or a login no account
	 * has) is locked; see docs/accounts.md
	 * @param base how long the first lockout lasts; it doubles with each further failure
	 * @param max the longest one lockout lasts
	 * @param forgetAfter failures are forgotten once none came for this long; longer than
	 * {@code PLANGATE_ACCOUNTS_LOCKOUT_MAX}
	 */
	record Lockout(@DefaultValue("5") int threshold, @DefaultValue("1m") Duration base,
			@DefaultValue("15m") Duration max, @DefaultValue("1d") Duration forgetAfter) {

		Lockout {
			Settings.atLeast("plangate.accounts.lockout.threshold", threshold, 1);
			Settings.positive("plangate.accounts.lockout.base", base);
			Settings.require(max.compareTo(base) >= 0, "plangate.accounts.lockout.max",
					"must be at least " + Settings.variable("plangate.accounts.lockout.base") + " ("
							+ Settings.show(base) + "), not " + Settings.show(max));
			Settings.require(forgetAfter.compareTo(max) > 0, "plangate.accounts.lockout.forget-after",
					"must be longer than " + Settings.variable("plangate.accounts.lockout.max") + " ("
							+ Settings.show(max) + "), not " + Settings.show(forgetAfter));
		}

	}

	/**
	 * The product's pages that the account mails link to, each a URL with {@code {token}}
	 * where the mailed token goes.
	 *
	 * @param verifyEmail the product's page that confirms a new account's address: a URL
	 * with {@code {token}} where the mailed token goes; it posts the token back to
	 * {@code /v1/auth/*}
	 * @param resetPassword the product's page that sets a new password: a URL with
	 * {@code {token}} where the mailed token goes; it posts the token back to
	 * {@code /v1/auth/*}
	 * @param confirmEmail the product's page that confirms a changed address: a URL with
	 * {@code {token}} where the mailed token goes; it posts the token back to
	 * {@code /v1/auth/*}
	 */
	record Links(@DefaultValue("http://localhost:8080/verify-email?token={token}") String verifyEmail,
			@DefaultValue("http://localhost:8080/reset-password?token={token}") String resetPassword,
			@DefaultValue("http://localhost:8080/confirm-email?token={token}") String confirmEmail) {

		Links {
			verifyEmail = Settings.linkTemplate("plangate.accounts.links.verify-email", verifyEmail);
			resetPassword = Settings.linkTemplate("plangate.accounts.links.reset-password", resetPassword);
			confirmEmail = Settings.linkTemplate("plangate.accounts.links.confirm-email", confirmEmail);
		}

	}

}

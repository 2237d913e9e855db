package dev.plangate.identity;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.audit.AuditLog;
import dev.plangate.customer.CustomerStatus;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.SubscriptionService;

/**
 * Signing in, and continuing a session with its refresh token.
 *
 * <p>
 * Guessing is slowed three ways: per client IP, per account by its plan's
 * {@code login_rate}, and by a lockout. Each attempt on an account is counted as a
 * failure <em>before</em> its password is checked, in one locked step, and forgotten when
 * it succeeds: parallel guesses cannot check more passwords than the threshold allows.
 * From the threshold on, the account is locked for a time that doubles with each further
 * failure, up to a cap; it is never locked for good, and a password reset unlocks it.
 */
@Service
public class LoginService {

	private final AccountRepository accounts;

	private final SessionService sessions;

	private final PasswordHasher hasher;

	private final AccessTokens tokens;

	private final SubscriptionService subscriptions;

	private final AuthThrottle throttle;

	private final AuditLog auditLog;

	private final TwoFactorService twoFactor;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final int lockoutThreshold;

	private final Duration lockoutBase;

	private final Duration lockoutMax;

	LoginService(AccountRepository accounts, SessionService sessions, PasswordHasher hasher, AccessTokens tokens,
			SubscriptionService subscriptions, AuthThrottle throttle, AuditLog auditLog, TwoFactorService twoFactor,
			TransactionTemplate transactions, Clock clock,
			@Value("${plangate.accounts.lockout.threshold:5}") int lockoutThreshold,
			@Value("${plangate.accounts.lockout.base:1m}") Duration lockoutBase,
			@Value("${plangate.accounts.lockout.max:15m}") Duration lockoutMax) {
		this.accounts = accounts;
		this.sessions = sessions;
		this.hasher = hasher;
		this.tokens = tokens;
		this.subscriptions = subscriptions;
		this.throttle = throttle;
		this.auditLog = auditLog;
		this.twoFactor = twoFactor;
		this.transactions = transactions;
		this.clock = clock;
		this.lockoutThreshold = lockoutThreshold;
		this.lockoutBase = lockoutBase;
		this.lockoutMax = lockoutMax;
	}

	/** What a sign-in or a refresh answers. */
	public record SignedIn(Account account, IssuedToken accessToken, Session session, String refreshToken,
			Instant refreshExpiresAt) {
	}

	/**
	 * @throws PlangateException {@code invalid_credentials} for an unknown login or a
	 * wrong password alike, {@code too_many_attempts}, {@code customer_suspended} (only
	 * once the password is right), {@code second_factor_required},
	 * {@code invalid_second_factor} (a wrong, expired or used code)
	 */
	SignedIn login(String rawLogin, String password, @Nullable String secondFactor, @Nullable String newPassword,
			Device device) {
		throttle.fromIp(AuthThrottle.Scope.LOGIN, device.ip());
		var login = rawLogin.strip().toLowerCase(Locale.ROOT);
		var found = accounts.credentials(login);
		if (found.isEmpty()) {
			// counted like the failures of an account, so that a lockout does not tell
			// which logins have one
			throttle.unknownLogin(login, lockoutThreshold, lockoutBase);
			hasher.verifyDecoy(password);
			throw invalidCredentials();
		}
		var account = found.get().account();
		throttle.forAccount(AuthThrottle.Scope.LOGIN, account.customerId());
		var credentials = reserveAttempt(account);
		if (!hasher.matches(password, credentials.passwordHash())) {
			throw invalidCredentials();
		}
		if (!account.isActive()) {
			throw new PlangateException(ErrorCode.CUSTOMER_SUSPENDED, "This account is suspended");
		}
		var current = account.mustChangePassword() ? changePassword(account, password, newPassword)
				: credentials.passwordHash();
		if (account.hasTwoFactor() && secondFactor == null) {
			throw new PlangateException(ErrorCode.SECOND_FACTOR_REQUIRED,
					"Send the code of your authenticator app, or a recovery code, as 'code'");
		}
		if (account.hasTwoFactor()) {
			throttle.fromIp(AuthThrottle.Scope.TWO_FACTOR, device.ip());
			throttle.forAccount(AuthThrottle.Scope.TWO_FACTOR, account.customerId());
		}
		return transactions.execute(status -> {
			if (accounts.lockCustomerStatus(account.customerId()) != CustomerStatus.ACTIVE) {
				// suspended or deleted since it was read: no session may outlive that
				throw new PlangateException(ErrorCode.CUSTOMER_SUSPENDED, "This account is suspended");
			}
			// a wrong code leaves the failure reserved above counted, like a wrong
			// password
			if (account.hasTwoFactor()
					&& !twoFactor.verifyAtSignIn(account.id(), Objects.requireNonNull(secondFactor))) {
				throw TwoFactorService.invalidSecondFactor();
			}
			accounts.clearFailures(account.id(), credentials.failedLogins() + 1);
			if (current.equals(credentials.passwordHash()) && hasher.needsRehash(current)) {
				accounts.rehash(account.id(), current, hasher.hash(password));
			}
			var signedIn = account.mustChangePassword() ? accounts.find(account.id()).orElseThrow() : account;
			return signedIn(signedIn, sessions.start(signedIn, device));
		});
	}

	/**
	 * An account whose password must change (the first superadmin's one-time password)
	 * signs in only with a new one.
	 * @return the new hash
	 */
	private String changePassword(Account account, String password, @Nullable String newPassword) {
		if (newPassword == null) {
			throw new PlangateException(ErrorCode.PASSWORD_CHANGE_REQUIRED,
					"This account's password must be changed: sign in again with 'newPassword' too");
		}
		PasswordPolicy.check("newPassword", newPassword, account.email(), account.username());
		if (newPassword.equals(password)) {
			throw new PlangateException(ErrorCode.WEAK_PASSWORD, "The new password must differ from the current one",
					List.of(new FieldError("newPassword", "must differ from the current password")));
		}
		var hash = hasher.hash(newPassword);
		transactions.executeWithoutResult(status -> {
			accounts.setPassword(account.id(), hash, false, clock.instant());
			auditLog.record("account.password_changed", "account", account.id().toString(), null,
					Map.of("reason", "required at sign-in"));
		});
		return hash;
	}

	/**
	 * Counts the attempt as failed until it succeeds; refuses it while the account is
	 * locked.
	 */
	private AccountRepository.Credentials reserveAttempt(Account account) {
		return transactions.execute(status -> {
			var credentials = accounts.lockCredentials(account.id()).orElseThrow(LoginService::invalidCredentials);
			var now = clock.instant();
			if (credentials.lockedUntil() != null && credentials.lockedUntil().isAfter(now)) {
				throw AuthThrottle.tooMany(Duration.between(now, credentials.lockedUntil()));
			}
			int failed = credentials.failedLogins() + 1;
			accounts.recordFailure(account.id(), failed, failed >= lockoutThreshold ? now.plus(lockout(failed)) : null);
			return credentials;
		});
	}

	private Duration lockout(int failed) {
		int doublings = Math.min(failed - lockoutThreshold, 20);
		var duration = lockoutBase.multipliedBy(1L << doublings);
		return duration.compareTo(lockoutMax) > 0 ? lockoutMax : duration;
	}

	/**
	 * Continues a session: a new access token and a new refresh token for the old one.
	 * @throws PlangateException {@code invalid_refresh_token}
	 */
	SignedIn refresh(String refreshToken, Device device) {
		var refreshed = sessions.refresh(refreshToken, device);
		return signedIn(refreshed.account(), refreshed.started());
	}

	private SignedIn signedIn(Account account, SessionService.Started started) {
		var plan = subscriptions.current(account.customerId()).planKey();
		var token = tokens.issueAccountToken(account.id().toString(), account.customerId(), account.role().ids(), plan,
				started.session().id());
		return new SignedIn(account, token, started.session(), started.refreshToken(), started.refreshExpiresAt());
	}

	private static PlangateException invalidCredentials() {
		return new PlangateException(ErrorCode.INVALID_CREDENTIALS, "The login or the password is wrong");
	}

}

package dev.plangate.identity.auth;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.audit.AuditLog;
import dev.plangate.customer.CustomerStatus;
import dev.plangate.identity.account.Account;
import dev.plangate.identity.account.AccountRepository;
import dev.plangate.identity.account.AuthThrottle;
import dev.plangate.identity.account.Device;
import dev.plangate.identity.account.LoginLockouts;
import dev.plangate.identity.account.Session;
import dev.plangate.identity.account.SessionService;
import dev.plangate.identity.password.PasswordHasher;
import dev.plangate.identity.password.PasswordPolicy;
import dev.plangate.identity.token.AccessTokens;
import dev.plangate.identity.token.IssuedToken;
import dev.plangate.identity.twofactor.TwoFactorService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.SubscriptionService;

/**
 * Signing in, and continuing a session with its refresh token.
 *
 * <p>
 * Guessing is slowed three ways: per client IP, per account by its plan's
 * {@code login_rate}, and by a lockout ({@link LoginLockouts}), the same for a login no
 * account has as for an account; a password reset unlocks an account.
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

	private final LoginLockouts lockouts;

	private final TransactionTemplate transactions;

	private final Clock clock;

	LoginService(AccountRepository accounts, SessionService sessions, PasswordHasher hasher, AccessTokens tokens,
			SubscriptionService subscriptions, AuthThrottle throttle, AuditLog auditLog, TwoFactorService twoFactor,
			LoginLockouts lockouts, TransactionTemplate transactions, Clock clock) {
		this.accounts = accounts;
		this.sessions = sessions;
		this.hasher = hasher;
		this.tokens = tokens;
		this.subscriptions = subscriptions;
		this.throttle = throttle;
		this.auditLog = auditLog;
		this.twoFactor = twoFactor;
		this.lockouts = lockouts;
		this.transactions = transactions;
		this.clock = clock;
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
	public SignedIn login(String rawLogin, String password, @Nullable String secondFactor, @Nullable String newPassword,
			Device device) {
		throttle.fromIp(AuthThrottle.Scope.LOGIN, device.ip());
		var login = rawLogin.strip().toLowerCase(Locale.ROOT);
		var found = accounts.credentials(login);
		if (found.isEmpty()) {
			// counted as an account's attempts and failures are, so that neither the
			// plan's
			// limit nor a lockout tells which logins have one
			throttle.forUnknownLogin(AuthThrottle.Scope.LOGIN, login);
			lockouts.reserve(LoginLockouts.unknownLogin(login));
			hasher.verifyDecoy(password);
			throw invalidCredentials();
		}
		var account = found.get().account();
		throttle.forAccount(AuthThrottle.Scope.LOGIN, account.customerId());
		var subject = LoginLockouts.account(account.id());
		var reserved = transactions.execute(status -> new Reserved(lockouts.reserve(subject),
				accounts.credentials(account.id()).orElseThrow(LoginService::invalidCredentials)));
		try {
			return attempt(account, reserved, password, secondFactor, newPassword, device);
		}
		catch (RuntimeException ex) {
			// whatever refused it, the attempt stays counted as failed: a lockout it
			// completed is told now, once
			try {
				lockouts.failed(subject, reserved.counted());
			}
			catch (RuntimeException telling) {
				ex.addSuppressed(telling);
			}
			throw ex;
		}
	}

	/**
	 * The attempt after its failure was counted ({@link LoginLockouts#reserve}): the
	 * password, the account's state, the second factor, then the session.
	 */
	private SignedIn attempt(Account account, Reserved reserved, String password, @Nullable String secondFactor,
			@Nullable String newPassword, Device device) {
		var subject = LoginLockouts.account(account.id());
		var credentials = reserved.credentials();
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
		return Objects.requireNonNull(transactions.execute(status -> {
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
			// the account's row before its lockout's, in the order a password change or
			// reset takes them, so that the two cannot deadlock
			if (current.equals(credentials.passwordHash()) && hasher.needsRehash(current)) {
				accounts.rehash(account.id(), current, hasher.hash(password));
			}
			lockouts.succeeded(subject, reserved.counted());
			var signedIn = account.mustChangePassword() ? accounts.find(account.id()).orElseThrow() : account;
			return signedIn(signedIn, sessions.start(signedIn, device));
		}));
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
		if (PasswordPolicy.normalize(newPassword).equals(PasswordPolicy.normalize(password))) {
			throw new PlangateException(ErrorCode.WEAK_PASSWORD, "The new password must differ from the current one",
					List.of(new FieldError("newPassword", "must differ from the current password")));
		}
		var hash = hasher.hash(newPassword);
		transactions.executeWithoutResult(status -> {
			accounts.setPassword(account.id(), hash, false, clock.instant());
			lockouts.forget(LoginLockouts.account(account.id()));
			auditLog.record("account.password_changed", "account", account.id().toString(), null,
					Map.of("reason", "required at sign-in"));
		});
		return hash;
	}

	/** An attempt counted as failed until it succeeds, and the credentials read since. */
	private record Reserved(int counted, AccountRepository.Credentials credentials) {
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

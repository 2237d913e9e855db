package dev.plangate.identity.twofactor;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.audit.AuditLog;
import dev.plangate.identity.account.Account;
import dev.plangate.identity.account.AccountMails;
import dev.plangate.identity.account.AccountRepository;
import dev.plangate.identity.account.AccountService;
import dev.plangate.identity.account.AuthThrottle;
import dev.plangate.identity.account.SensitiveAction;
import dev.plangate.identity.password.PasswordHasher;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.PlangateException;
import dev.plangate.platform.SecretBox;

/**
 * Two-factor authentication with an authenticator app (TOTP) and recovery codes.
 *
 * <p>
 * Every check of a code runs under a lock on the account's row and ends in a conditional
 * update, so that a code is accepted once: a TOTP code's time step must be later than the
 * last one accepted ({@code totp_last_step}), and a recovery code must still be unused.
 * Two parallel uses of one code admit exactly one. The secret is stored sealed by the
 * {@link SecretBox}, the recovery codes as SHA-256 hashes; neither is ever logged, and
 * each is shown once.
 */
@Service
public class TwoFactorService {

	private final AccountRepository accounts;

	private final AccountService accountService;

	private final PasswordHasher hasher;

	private final SecretBox box;

	private final AuthThrottle throttle;

	private final AccountMails mails;

	private final AuditLog auditLog;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final String issuer;

	TwoFactorService(AccountRepository accounts, AccountService accountService, PasswordHasher hasher, SecretBox box,
			AuthThrottle throttle, AccountMails mails, AuditLog auditLog, TransactionTemplate transactions, Clock clock,
			TwoFactorSettings settings) {
		this.accounts = accounts;
		this.accountService = accountService;
		this.hasher = hasher;
		this.box = box;
		this.throttle = throttle;
		this.mails = mails;
		this.auditLog = auditLog;
		this.transactions = transactions;
		this.clock = clock;
		this.issuer = settings.issuer();
	}

	/**
	 * Whether two-factor authentication is on, since when, and the recovery codes left.
	 */
	public record Status(boolean enabled, @Nullable Instant enabledAt, int recoveryCodesLeft) {
	}

	/** A started enrolment: the secret, for the app, as text and as a QR code's URI. */
	public record Enrolment(String secret, String provisioningUri) {
	}

	public Status status(UUID accountId) {
		var account = accountService.get(accountId);
		return new Status(account.hasTwoFactor(), account.twoFactorEnabledAt(),
				account.hasTwoFactor() ? accounts.recoveryCodesLeft(accountId) : 0);
	}

	/**
	 * Starts an enrolment with a fresh secret (replacing one not yet confirmed);
	 * two-factor stays off until {@link #confirm}.
	 * @throws PlangateException {@code two_factor_enabled}, {@code email_not_verified},
	 * {@code invalid_credentials}, {@code too_many_attempts}
	 */
	public Enrolment enrol(UUID accountId, String password, String ip) {
		var account = throttled(accountId, ip);
		var secret = Totp.newSecret();
		transactions.executeWithoutResult(status -> {
			var credentials = lock(accountId);
			refuseEnabled(credentials.account());
			accountService.requireVerifiedEmail(credentials.account(), SensitiveAction.TWO_FACTOR);
			checkPassword(password, credentials);
			accounts.setPendingTotp(accountId, box.encrypt(Totp.base32(secret), purpose(accountId)), clock.instant());
			auditLog.record("account.two_factor_enrolment_started", "account", accountId.toString(), null, null);
		});
		var text = Totp.base32(secret);
		return new Enrolment(text, provisioningUri(account, text));
	}

	/**
	 * Turns two-factor authentication on with a code of the enrolled secret.
	 * @return the recovery codes, shown this once
	 * @throws PlangateException {@code two_factor_enabled},
	 * {@code two_factor_not_enrolling}, {@code invalid_second_factor},
	 * {@code too_many_attempts}
	 */
	public List<String> confirm(UUID accountId, String code, String ip) {
		throttled(accountId, ip);
		return Objects.requireNonNull(transactions.execute(status -> {
			var credentials = lock(accountId);
			refuseEnabled(credentials.account());
			if (credentials.totpSecret() == null) {
				throw new PlangateException(ErrorCode.TWO_FACTOR_NOT_ENROLLING,
						"Start with POST /v1/me/two-factor: there is no secret to confirm");
			}
			if (!useTotp(credentials, code.strip())) {
				throw invalidSecondFactor();
			}
			var now = clock.instant();
			accounts.enableTotp(accountId, now);
			var codes = replaceRecoveryCodes(accountId);
			auditLog.record("account.two_factor_enabled", "account", accountId.toString(), null,
					Map.of("recoveryCodes", codes.size()));
			var email = credentials.account().email();
			if (email != null) {
				mails.twoFactorEnabled(email);
			}
			return codes;
		}));
	}

	/**
	 * New recovery codes for the old ones, given a current factor.
	 * @throws PlangateException {@code two_factor_not_enabled},
	 * {@code invalid_second_factor}, {@code too_many_attempts}
	 */
	List<String> regenerateRecoveryCodes(UUID accountId, String code, String ip) {
		throttled(accountId, ip);
		return Objects.requireNonNull(transactions.execute(status -> {
			var credentials = lock(accountId);
			refuseDisabled(credentials.account());
			if (!useFactor(credentials, code)) {
				throw invalidSecondFactor();
			}
			var codes = replaceRecoveryCodes(accountId);
			auditLog.record("account.recovery_codes_regenerated", "account", accountId.toString(), null,
					Map.of("recoveryCodes", codes.size()));
			return codes;
		}));
	}

	/**
	 * Turns two-factor authentication off, given the password and a current factor; the
	 * secret and the recovery codes are deleted.
	 * @throws PlangateException {@code two_factor_not_enabled},
	 * {@code invalid_credentials}, {@code invalid_second_factor},
	 * {@code too_many_attempts}
	 */
	public void disable(UUID accountId, String password, String code, String ip) {
		throttled(accountId, ip);
		transactions.executeWithoutResult(status -> {
			var credentials = lock(accountId);
			refuseDisabled(credentials.account());
			checkPassword(password, credentials);
			if (!useFactor(credentials, code)) {
				throw invalidSecondFactor();
			}
			accounts.disableTotp(accountId, clock.instant());
			auditLog.record("account.two_factor_disabled", "account", accountId.toString(), null, null);
			var email = credentials.account().email();
			if (email != null) {
				mails.twoFactorDisabled(email);
			}
		});
	}

	/**
	 * Uses a second factor at sign-in, in the caller's transaction: a TOTP code or a
	 * recovery code, each accepted once.
	 */
	public boolean verifyAtSignIn(UUID accountId, String code) {
		var credentials = lock(accountId);
		return credentials.account().hasTwoFactor() && useFactor(credentials, code);
	}

	private boolean useFactor(AccountRepository.Credentials credentials, String code) {
		var typed = code.strip();
		if (Totp.looksLikeCode(typed)) {
			return useTotp(credentials, typed);
		}
		var hash = RecoveryCodes.hash(typed);
		return hash.isPresent() && accounts.useRecoveryCode(credentials.account().id(), hash.get(), clock.instant());
	}

	private boolean useTotp(AccountRepository.Credentials credentials, String code) {
		var sealed = credentials.totpSecret();
		if (sealed == null) {
			return false;
		}
		var id = credentials.account().id();
		var secret = Totp.fromBase32(box.decrypt(sealed, purpose(id)));
		var step = Totp.acceptedStep(secret, code, clock.instant(), credentials.totpLastStep());
		return step.isPresent() && accounts.useTotpStep(id, step.getAsLong());
	}

	private List<String> replaceRecoveryCodes(UUID accountId) {
		accounts.deleteRecoveryCodes(accountId);
		var codes = RecoveryCodes.generate();
		for (var code : codes) {
			accounts.insertRecoveryCode(accountId, RecoveryCodes.hash(code).orElseThrow());
		}
		return codes;
	}

	/** The account, once this attempt is within the per-IP and per-account limits. */
	private Account throttled(UUID accountId, String ip) {
		throttle.fromIp(AuthThrottle.Scope.TWO_FACTOR, ip);
		var account = accountService.get(accountId);
		throttle.forAccount(AuthThrottle.Scope.TWO_FACTOR, account.customerId());
		return account;
	}

	private AccountRepository.Credentials lock(UUID accountId) {
		return accounts.lockCredentials(accountId)
			.orElseThrow(
					() -> PlangateException.notFound(ErrorCode.ACCOUNT_NOT_FOUND, "Account", accountId.toString()));
	}

	private void checkPassword(String password, AccountRepository.Credentials credentials) {
		if (!hasher.matches(password, credentials.passwordHash())) {
			throw new PlangateException(ErrorCode.INVALID_CREDENTIALS, "The password is wrong",
					List.of(new FieldError("password", "is wrong")));
		}
	}

	private static void refuseEnabled(Account account) {
		if (account.hasTwoFactor()) {
			throw new PlangateException(ErrorCode.TWO_FACTOR_ENABLED,
					"Two-factor authentication is on already: turn it off first to enrol another app");
		}
	}

	private static void refuseDisabled(Account account) {
		if (!account.hasTwoFactor()) {
			throw new PlangateException(ErrorCode.TWO_FACTOR_NOT_ENABLED, "Two-factor authentication is off");
		}
	}

	/**
	 * The secret is sealed for its account: a row copied to another account does not
	 * open.
	 */
	private static String purpose(UUID accountId) {
		return "totp:" + accountId;
	}

	private String provisioningUri(Account account, String secret) {
		var name = account.email() != null ? account.email()
				: account.username() != null ? account.username() : account.customerId();
		return "otpauth://totp/" + encode(issuer) + ":" + encode(name) + "?secret=" + secret + "&issuer="
				+ encode(issuer) + "&algorithm=SHA1&digits=" + Totp.DIGITS + "&period=" + Totp.STEP.toSeconds();
	}

	private static String encode(String text) {
		return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
	}

	public static PlangateException invalidSecondFactor() {
		return new PlangateException(ErrorCode.INVALID_SECOND_FACTOR,
				"The code is wrong, expired or used already: use a current code of your authenticator app, "
						+ "or an unused recovery code");
	}

}

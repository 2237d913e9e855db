package dev.plangate.identity.account;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.audit.AuditLog;
import dev.plangate.customer.CustomerEvents;
import dev.plangate.customer.CustomerService;
import dev.plangate.identity.password.PasswordHasher;
import dev.plangate.identity.password.PasswordPolicy;
import dev.plangate.identity.token.OpaqueToken;
import dev.plangate.identity.token.TokenRevocations;
import dev.plangate.notify.Mail;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.FieldError;
import dev.plangate.platform.OutboundEvent;
import dev.plangate.platform.PlangateException;

/**
 * Accounts: sign-up, email verification, password changes and resets, email changes. An
 * account is a customer of kind {@code user} on the default plan from its first moment;
 * suspending or deleting that customer suspends or deletes the account and ends its
 * sessions.
 */
@Service
public class AccountService implements DisposableBean {

	private static final Logger log = LoggerFactory.getLogger(AccountService.class);

	static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+");

	static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{2,31}");

	private final AccountRepository accounts;

	private final CustomerService customers;

	private final SessionService sessions;

	private final TokenRevocations revocations;

	private final PasswordHasher hasher;

	private final AccountMails mails;

	private final AuthThrottle throttle;

	private final LoginLockouts lockouts;

	private final ApplicationEventPublisher events;

	private final AuditLog auditLog;

	private final TransactionTemplate transactions;

	private final Clock clock;

	private final Set<String> verifiedEmailRequiredFor;

	/**
	 * Password-reset requests are handled here, off the request thread, so that the
	 * answer and its timing are the same whether the address has an account or not.
	 */
	private final ThreadPoolExecutor resets = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
			new ArrayBlockingQueue<>(1_000), runnable -> {
				var thread = new Thread(runnable, "plangate-password-resets");
				thread.setDaemon(true);
				return thread;
			}, (runnable, executor) -> log.warn("Too many password reset requests queued: one was dropped"));

	AccountService(AccountRepository accounts, CustomerService customers, SessionService sessions,
			TokenRevocations revocations, PasswordHasher hasher, AccountMails mails, AuthThrottle throttle,
			LoginLockouts lockouts, ApplicationEventPublisher events, AuditLog auditLog,
			TransactionTemplate transactions, Clock clock, AccountSettings settings) {
		this.accounts = accounts;
		this.customers = customers;
		this.sessions = sessions;
		this.revocations = revocations;
		this.hasher = hasher;
		this.mails = mails;
		this.throttle = throttle;
		this.lockouts = lockouts;
		this.events = events;
		this.auditLog = auditLog;
		this.transactions = transactions;
		this.clock = clock;
		this.verifiedEmailRequiredFor = settings.verifiedEmailRequiredFor();
	}

	public Account get(UUID id) {
		return accounts.find(id)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.ACCOUNT_NOT_FOUND, "Account", id.toString()));
	}

	public Optional<Account> findByCustomer(String customerId) {
		return accounts.findByCustomer(customerId);
	}

	public static String normalizeEmail(String email) {
		return email.strip().toLowerCase(Locale.ROOT);
	}

	/**
	 * Signs up. The answer is the same whether the address is new or has an account
	 * (which is told so by mail): sign-up cannot be used to learn who has an account.
	 * @return the new account, or empty when the address had one
	 * @throws PlangateException {@code invalid_request}, {@code weak_password},
	 * {@code username_taken}
	 */
	@Transactional
	public Optional<Account> register(String rawEmail, String password, @Nullable String rawUsername) {
		var email = normalizeEmail(rawEmail);
		var username = rawUsername == null ? null : rawUsername.strip().toLowerCase(Locale.ROOT);
		checkEmail("email", email);
		if (username != null && !USERNAME.matcher(username).matches()) {
			throw invalid("username", "must be 3 to 32 of a-z, 0-9, '_', '.', '-', starting with a letter or digit");
		}
		PasswordPolicy.check("password", password, email, username);
		String hash = hasher.hash(password);
		refuseTakenUsername(username);
		if (accounts.emailTaken(email)) {
			mails.alreadyRegistered(email);
			return Optional.empty();
		}
		var account = create(email, username, hash, AccountRole.USER, null, false);
		sendVerification(account);
		announce("account.signed_up", account);
		return Optional.of(account);
	}

	/**
	 * @throws PlangateException {@code username_taken}
	 */
	public void refuseTakenUsername(@Nullable String rawUsername) {
		var username = rawUsername == null ? null : rawUsername.strip().toLowerCase(Locale.ROOT);
		if (username != null && accounts.usernameTaken(username)) {
			throw new PlangateException(ErrorCode.USERNAME_TAKEN, "The username '" + username + "' is taken",
					List.of(new FieldError("username", "is taken")));
		}
	}

	Account create(String email, @Nullable String username, String passwordHash, AccountRole role,
			@Nullable Instant verifiedAt, boolean mustChangePassword) {
		var now = clock.instant();
		var customerId = GeneratedIds.customerId("usr_");
		var customer = customers
			.upsert(customerId,
					new CustomerService.Changes("user", username == null ? abbreviate(email) : username, email, null,
							Map.of("account", true)))
			.customer();
		var account = new Account(UUID.randomUUID(), customerId, email, verifiedAt, username, role, customer.status(),
				mustChangePassword, null, now, now);
		accounts.insert(account, passwordHash);
		auditLog.record("account.created", "account", account.id().toString(), null,
				Map.of("customerId", customerId, "role", role.id()));
		return account;
	}

	/** Customer names have at most 200 characters; addresses up to 320. */
	private static String abbreviate(String email) {
		return email.length() <= 200 ? email : email.substring(0, 200);
	}

	private void sendVerification(Account account) {
		var now = clock.instant();
		accounts.burnTokens(account.id(), AccountTokenPurpose.VERIFY_EMAIL, now);
		var token = OpaqueToken.generate("");
		accounts.insertToken(token.hash(), account.id(), AccountTokenPurpose.VERIFY_EMAIL, null, now,
				now.plus(AccountTokenPurpose.VERIFY_EMAIL.lifetime()));
		mails.verifyEmail(Objects.requireNonNull(account.email()), token.text());
	}

	/** Sends a new verification mail, unless the address is verified already. */
	@Transactional
	public void resendVerification(UUID accountId) {
		var account = get(accountId);
		if (!account.isEmailVerified() && account.email() != null) {
			sendVerification(account);
		}
	}

	/**
	 * @throws PlangateException {@code invalid_account_token} for an unknown, used or
	 * expired token
	 */
	@Transactional
	public Account verifyEmail(String token) {
		var now = clock.instant();
		var sent = accounts.useToken(OpaqueToken.hash(token), AccountTokenPurpose.VERIFY_EMAIL, now)
			.orElseThrow(AccountService::invalidToken);
		var account = get(sent.accountId());
		if (!account.isEmailVerified() && account.email() != null) {
			accounts.setEmail(account.id(), account.email(), now, now);
			auditLog.record("account.email_verified", "account", account.id().toString(), null, null);
			announce("account.email_verified", get(account.id()));
		}
		return get(account.id());
	}

	/**
	 * Always answers at once; a mail goes out later only if the address has an account.
	 */
	public void requestPasswordReset(String rawEmail) {
		var email = normalizeEmail(rawEmail);
		checkEmail("email", email);
		resets.execute(() -> {
			try {
				transactions.executeWithoutResult(status -> accounts.findByEmail(email)
					.filter(Account::isActive)
					.filter(this::withinResetLimit)
					.ifPresent(account -> {
						var now = clock.instant();
						accounts.burnTokens(account.id(), AccountTokenPurpose.RESET_PASSWORD, now);
						var token = OpaqueToken.generate("");
						accounts.insertToken(token.hash(), account.id(), AccountTokenPurpose.RESET_PASSWORD, null, now,
								now.plus(AccountTokenPurpose.RESET_PASSWORD.lifetime()));
						mails.resetPassword(email, token.text());
					}));
			}
			catch (RuntimeException ex) {
				log.error("A password reset request could not be handled", ex);
			}
		});
	}

	/**
	 * Whether the account's plan allows one more reset mail
	 * ({@code password_reset_rate}).
	 */
	private boolean withinResetLimit(Account account) {
		try {
			throttle.forAccount(AuthThrottle.Scope.PASSWORD_RESET, account.customerId());
			return true;
		}
		catch (PlangateException ex) {
			log.info("A password reset mail for account {} was not sent: {}", account.id(), ex.getMessage());
			return false;
		}
	}

	/**
	 * Sets a new password from a mailed token; every session ends and every access token
	 * stops working.
	 */
	@Transactional
	public Account resetPassword(String token, String password) {
		var now = clock.instant();
		var sent = accounts.useToken(OpaqueToken.hash(token), AccountTokenPurpose.RESET_PASSWORD, now)
			.orElseThrow(AccountService::invalidToken);
		var account = get(sent.accountId());
		if (!account.isActive()) {
			throw invalidToken();
		}
		PasswordPolicy.check("password", password, account.email(), account.username());
		accounts.setPassword(account.id(), hasher.hash(password), false, now);
		lockouts.forget(LoginLockouts.account(account.id()));
		accounts.burnTokens(account.id(), AccountTokenPurpose.RESET_PASSWORD, now);
		endEverySession(account, null, "password_reset");
		events.publishEvent(new AccountEvents.PasswordReset(account.id()));
		auditLog.record("account.password_reset", "account", account.id().toString(), null, null);
		if (account.email() != null) {
			mails.passwordChanged(account.email());
		}
		return get(account.id());
	}

	/**
	 * Changes the password given the current one; the caller's session stays, every other
	 * one ends.
	 */
	@Transactional
	public Account changePassword(UUID accountId, @Nullable UUID currentSession, String currentPassword,
			String newPassword) {
		var credentials = accounts.lockCredentials(accountId)
			.orElseThrow(
					() -> PlangateException.notFound(ErrorCode.ACCOUNT_NOT_FOUND, "Account", accountId.toString()));
		var account = credentials.account();
		if (!hasher.matches(currentPassword, credentials.passwordHash())) {
			throw new PlangateException(ErrorCode.INVALID_CREDENTIALS, "The current password is wrong",
					List.of(new FieldError("currentPassword", "is wrong")));
		}
		PasswordPolicy.check("newPassword", newPassword, account.email(), account.username());
		if (hasher.matches(newPassword, credentials.passwordHash())) {
			throw new PlangateException(ErrorCode.WEAK_PASSWORD, "The new password must differ from the current one",
					List.of(new FieldError("newPassword", "must differ from the current password")));
		}
		var now = clock.instant();
		accounts.setPassword(accountId, hasher.hash(newPassword), false, now);
		lockouts.forget(LoginLockouts.account(accountId));
		endEverySession(account, currentSession, "password_changed");
		auditLog.record("account.password_changed", "account", accountId.toString(), null, null);
		if (account.email() != null) {
			mails.passwordChanged(account.email());
		}
		return get(accountId);
	}

	/**
	 * Starts an email change: a link goes to the new address, which takes effect when
	 * opened. The answer does not tell whether the address has an account.
	 */
	@Transactional
	public void requestEmailChange(UUID accountId, String currentPassword, String rawEmail) {
		var email = normalizeEmail(rawEmail);
		checkEmail("email", email);
		var credentials = accounts.lockCredentials(accountId)
			.orElseThrow(
					() -> PlangateException.notFound(ErrorCode.ACCOUNT_NOT_FOUND, "Account", accountId.toString()));
		if (!hasher.matches(currentPassword, credentials.passwordHash())) {
			throw new PlangateException(ErrorCode.INVALID_CREDENTIALS, "The current password is wrong",
					List.of(new FieldError("currentPassword", "is wrong")));
		}
		if (email.equals(credentials.account().email())) {
			throw invalid("email", "is the account's address already");
		}
		if (accounts.emailTaken(email)) {
			mails.alreadyRegistered(email);
			return;
		}
		var now = clock.instant();
		accounts.burnTokens(accountId, AccountTokenPurpose.CHANGE_EMAIL, now);
		var token = OpaqueToken.generate("");
		accounts.insertToken(token.hash(), accountId, AccountTokenPurpose.CHANGE_EMAIL, email, now,
				now.plus(AccountTokenPurpose.CHANGE_EMAIL.lifetime()));
		mails.confirmNewEmail(email, token.text());
	}

	/** Makes a requested address the account's, verified; the old address is told. */
	@Transactional
	public Account confirmEmailChange(String token) {
		var now = clock.instant();
		var sent = accounts.useToken(OpaqueToken.hash(token), AccountTokenPurpose.CHANGE_EMAIL, now)
			.orElseThrow(AccountService::invalidToken);
		var account = get(sent.accountId());
		var email = Objects.requireNonNull(sent.newEmail());
		if (!account.isActive() || accounts.emailTaken(email)) {
			throw invalidToken();
		}
		accounts.setEmail(account.id(), email, now, now);
		customers.upsert(account.customerId(), new CustomerService.Changes(null, null, email, null, null));
		auditLog.record("account.email_changed", "account", account.id().toString(), account.email(), email);
		if (account.email() != null) {
			mails.emailChanged(account.email(), email);
		}
		return get(account.id());
	}

	/**
	 * @throws PlangateException {@code email_not_verified} when the account has not
	 * confirmed its address and the action needs it
	 */
	public void requireVerifiedEmail(Account account, SensitiveAction action) {
		if (!account.isEmailVerified() && verifiedEmailRequiredFor.contains(action.id())) {
			throw new PlangateException(ErrorCode.EMAIL_NOT_VERIFIED, "Confirm your email address before you "
					+ action.description() + ": the link was mailed at sign-up");
		}
	}

	private void endEverySession(Account account, @Nullable UUID keep, String reason) {
		sessions.revokeAll(account.id(), keep, reason);
		if (keep == null) {
			revocations.revokeSubject(account.id().toString(), clock.instant());
		}
	}

	@EventListener
	void on(CustomerEvents.StatusChanged changed) {
		if (!changed.active()) {
			accounts.findByCustomer(changed.customerId())
				.ifPresent(account -> endEverySession(account, null, "account_suspended"));
		}
	}

	@EventListener
	void on(CustomerEvents.Deleted deleted) {
		accounts.findByCustomer(deleted.customerId()).ifPresent(account -> {
			endEverySession(account, null, "account_deleted");
			accounts.release(deleted.customerId(), clock.instant());
			announce("account.deleted", accounts.find(account.id()).orElse(account));
		});
	}

	/**
	 * Tells the outside world, in the change's transaction, with the account as its owner
	 * sees it: never a password hash, second-factor secret or token.
	 */
	private void announce(String type, Account account) {
		events.publishEvent(new OutboundEvent(type, account.customerId(), AccountViews.AccountView.of(account)));
	}

	/** An address mail can be sent to, with a dotted domain. */
	public static boolean isEmail(String email) {
		return email.length() <= 320 && EMAIL.matcher(email).matches() && Mail.isAddress(email);
	}

	private static void checkEmail(String field, String email) {
		if (!isEmail(email)) {
			throw invalid(field, "must be an email address");
		}
	}

	private static PlangateException invalid(String field, String message) {
		return new PlangateException(ErrorCode.INVALID_REQUEST, field + " " + message,
				List.of(new FieldError(field, message)));
	}

	public static PlangateException invalidToken() {
		return new PlangateException(ErrorCode.INVALID_ACCOUNT_TOKEN,
				"The link is invalid, was used already or has expired: ask for a new one");
	}

	@Override
	public void destroy() {
		resets.shutdown();
	}

}

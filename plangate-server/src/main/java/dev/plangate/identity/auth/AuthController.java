package dev.plangate.identity.auth;

import java.time.Clock;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.identity.account.AccountService;
import dev.plangate.identity.account.AccountViews.Accepted;
import dev.plangate.identity.account.AccountViews.AccountView;
import dev.plangate.identity.account.AuthThrottle;
import dev.plangate.identity.account.Device;
import dev.plangate.identity.account.SessionService;
import dev.plangate.identity.account.SignedInAccount;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Idempotency;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/**
 * Sign-up, sign-in and the mailed-link flows. Callable without a credential; each is rate
 * limited per client IP.
 */
@Refusals({ ErrorCode.TOO_MANY_ATTEMPTS, ErrorCode.RATE_LIMITED })
@RestController
@RequestMapping("/v1/auth")
@Tag(name = "Accounts")
@SecurityRequirements
class AuthController {

	private final AccountService accounts;

	private final LoginService logins;

	private final SessionService sessions;

	private final AuthThrottle throttle;

	private final Clock clock;

	AuthController(AccountService accounts, LoginService logins, SessionService sessions, AuthThrottle throttle,
			Clock clock) {
		this.accounts = accounts;
		this.logins = logins;
		this.sessions = sessions;
		this.throttle = throttle;
		this.clock = clock;
	}

	record Register(@NotBlank @Size(max = 320) String email, @NotBlank @Size(max = 1024) String password,
			@Nullable @Size(max = 32) String username) {
	}

	@Refusals({ ErrorCode.WEAK_PASSWORD, ErrorCode.USERNAME_TAKEN })
	@PostMapping("/register")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(operationId = "register", summary = "Sign up",
			description = "Creates an account (a customer of kind `user` on the default plan) and mails a link to "
					+ "confirm the address. The answer is the same when the address has an account already (its "
					+ "owner is told by mail), so sign-up cannot reveal who has an account. Sign in next.")
	Accepted register(@Valid @RequestBody Register request, HttpServletRequest http) {
		throttle.fromIp(AuthThrottle.Scope.REGISTER, Device.of(http).ip());
		try {
			accounts.register(request.email(), request.password(), request.username());
		}
		catch (DuplicateKeyException ex) {
			// a sign-up with the same address or username committed first
			accounts.refuseTakenUsername(request.username());
		}
		return new Accepted("verification_sent",
				"If the address can be used, a link to confirm it was mailed to it; then sign in");
	}

	record TokenBody(@NotBlank @Size(max = 200) String token) {
	}

	@Refusals({ ErrorCode.INVALID_ACCOUNT_TOKEN })
	@PostMapping("/verify-email")
	@Operation(operationId = "verifyEmail", summary = "Confirm an email address with the token of the mailed link")
	AccountView verifyEmail(@Valid @RequestBody TokenBody request) {
		return AccountView.of(accounts.verifyEmail(request.token()));
	}

	/**
	 * @param newPassword required when the account's password must change (the first
	 * superadmin's one-time password): it is set, then the sign-in goes on
	 */
	record Login(@NotBlank @Size(max = 320) String login, @NotBlank @Size(max = 1024) String password,
			@Nullable @Size(max = 64) String code, @Nullable @Size(max = 1024) String newPassword) {
	}

	@Refusals({ ErrorCode.INVALID_CREDENTIALS, ErrorCode.SECOND_FACTOR_REQUIRED, ErrorCode.INVALID_SECOND_FACTOR,
			ErrorCode.PASSWORD_CHANGE_REQUIRED, ErrorCode.EMAIL_NOT_VERIFIED, ErrorCode.CUSTOMER_SUSPENDED })
	@PostMapping("/login")
	@Operation(operationId = "login", summary = "Sign in with email or username and password",
			description = "Answers an access token (a JWT, short-lived) and a refresh token (opaque, single-use). "
					+ "A wrong password and an unknown login get the same `invalid_credentials`. With two-factor "
					+ "authentication on, send `code` too: an authenticator code or a recovery code (else `second_factor_required`; a wrong or used one is `invalid_second_factor`); when the password must "
					+ "change (`password_change_required`), send `newPassword` too. Attempts are limited "
					+ "per IP, per account (the plan's `login_rate`), and repeated failures lock the account for "
					+ "a while (`too_many_attempts` with `Retry-After`).")
	SignInView login(@Valid @RequestBody Login request, HttpServletRequest http) {
		Idempotency.neverKeep();
		var signedIn = logins.login(request.login(), request.password(), request.code(), request.newPassword(),
				Device.of(http));
		return SignInView.of(signedIn, clock.instant());
	}

	record Refresh(@NotBlank @Size(max = 200) String refreshToken) {
	}

	@Refusals({ ErrorCode.INVALID_REFRESH_TOKEN, ErrorCode.CUSTOMER_SUSPENDED })
	@PostMapping("/refresh")
	@Operation(operationId = "refresh", summary = "Trade a refresh token for new access and refresh tokens",
			description = "The refresh token is used up. Presenting a used one again (after a grace of a few "
					+ "seconds for tabs refreshing at once) is taken for theft: its whole session is revoked.")
	SignInView refresh(@Valid @RequestBody Refresh request, HttpServletRequest http) {
		Idempotency.neverKeep();
		return SignInView.of(logins.refresh(request.refreshToken(), Device.of(http)), clock.instant());
	}

	@PostMapping("/logout")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "logout", summary = "Sign out: end the session of the access token")
	void logout() {
		var me = SignedInAccount.current();
		if (me.sessionId() != null) {
			sessions.revoke(me.accountId(), me.sessionId(), "logout");
		}
	}

	record ForgotPassword(@NotBlank @Size(max = 320) String email) {
	}

	@PostMapping("/password/forgot")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(operationId = "forgotPassword", summary = "Ask for a password reset link",
			description = "Always the same answer, at once: a link valid for 30 minutes is mailed only if the "
					+ "address has an active account.")
	Accepted forgotPassword(@Valid @RequestBody ForgotPassword request, HttpServletRequest http) {
		throttle.fromIp(AuthThrottle.Scope.PASSWORD_RESET, Device.of(http).ip());
		accounts.requestPasswordReset(request.email());
		return new Accepted("reset_requested", "If the address has an account, a reset link was mailed to it");
	}

	record ResetPassword(@NotBlank @Size(max = 200) String token, @NotBlank @Size(max = 1024) String password) {
	}

	@Refusals({ ErrorCode.INVALID_ACCOUNT_TOKEN, ErrorCode.WEAK_PASSWORD })
	@PostMapping("/password/reset")
	@Operation(operationId = "resetPassword", summary = "Set a new password with the token of a reset link",
			description = "Ends every session of the account and notifies it by mail.")
	AccountView resetPassword(@Valid @RequestBody ResetPassword request, HttpServletRequest http) {
		throttle.fromIp(AuthThrottle.Scope.PASSWORD_RESET, Device.of(http).ip());
		return AccountView.of(accounts.resetPassword(request.token(), request.password()));
	}

	@Refusals({ ErrorCode.INVALID_ACCOUNT_TOKEN, ErrorCode.USERNAME_TAKEN })
	@PostMapping("/email/confirm")
	@Operation(operationId = "confirmEmail", summary = "Confirm a new email address with the token of the mailed link")
	AccountView confirmEmail(@Valid @RequestBody TokenBody request) {
		try {
			return AccountView.of(accounts.confirmEmailChange(request.token()));
		}
		catch (DuplicateKeyException ex) {
			// another account took the address meanwhile
			throw AccountService.invalidToken();
		}
	}

}

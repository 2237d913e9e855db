package dev.plangate.identity.account;

import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.identity.account.AccountViews.Accepted;
import dev.plangate.identity.account.AccountViews.AccountView;
import dev.plangate.identity.account.AccountViews.SessionView;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Page;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** The signed-in account's own settings and sessions (an account's access token). */
@RestController
@RequestMapping("/v1/me")
@Tag(name = "Accounts")
class MeAccountController {

	private final AccountService accounts;

	private final SessionService sessions;

	private final TransactionTemplate transactions;

	private final AuthThrottle throttle;

	MeAccountController(AccountService accounts, SessionService sessions, TransactionTemplate transactions,
			AuthThrottle throttle) {
		this.throttle = throttle;
		this.accounts = accounts;
		this.sessions = sessions;
		this.transactions = transactions;
	}

	@GetMapping("/account")
	@Operation(operationId = "getMyAccount", summary = "My account")
	AccountView account() {
		return AccountView.of(accounts.get(SignedInAccount.current().accountId()));
	}

	record ChangePassword(@NotBlank @Size(max = 1024) String currentPassword,
			@NotBlank @Size(max = 1024) String newPassword) {
	}

	@Refusals({ ErrorCode.INVALID_CREDENTIALS, ErrorCode.WEAK_PASSWORD })
	@PostMapping("/password")
	@Operation(operationId = "changeMyPassword", summary = "Change my password",
			description = "Every other session of the account ends.")
	AccountView changePassword(@Valid @RequestBody ChangePassword request) {
		var me = SignedInAccount.current();
		return AccountView.of(accounts.changePassword(me.accountId(), me.sessionId(), request.currentPassword(),
				request.newPassword()));
	}

	record ChangeEmail(@NotBlank @Size(max = 1024) String currentPassword, @NotBlank @Size(max = 320) String email) {
	}

	@Refusals({ ErrorCode.INVALID_CREDENTIALS, ErrorCode.USERNAME_TAKEN })
	@PostMapping("/email")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(operationId = "changeMyEmail", summary = "Change my email address",
			description = "A link goes to the new address; the change takes effect when it is opened "
					+ "(`POST /v1/auth/email/confirm`).")
	Accepted changeEmail(@Valid @RequestBody ChangeEmail request, HttpServletRequest http) {
		throttle.mail(SignedInAccount.current().accountId(), Device.of(http).ip());
		accounts.requestEmailChange(SignedInAccount.current().accountId(), request.currentPassword(), request.email());
		return new Accepted("confirmation_sent", "If the address can be used, a link to confirm it was mailed to it");
	}

	@PostMapping("/email/verification")
	@ResponseStatus(HttpStatus.ACCEPTED)
	@Operation(operationId = "resendMyEmailVerification", summary = "Mail a new link to confirm my address")
	Accepted resendVerification(HttpServletRequest http) {
		throttle.mail(SignedInAccount.current().accountId(), Device.of(http).ip());
		accounts.resendVerification(SignedInAccount.current().accountId());
		return new Accepted("verification_sent", "Unless the address is confirmed already, a new link was mailed");
	}

	@GetMapping("/sessions")
	@Operation(operationId = "listMySessions",
			summary = "My active sessions, newest first; `current` marks the caller's")
	Page<SessionView> sessions() {
		var me = SignedInAccount.current();
		return Page.of(sessions.active(me.accountId()).stream().map(s -> SessionView.of(s, me.sessionId())).toList());
	}

	@DeleteMapping("/sessions/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "revokeMySession", summary = "End one of my sessions",
			description = "Its access tokens stop working at once.")
	void revoke(@PathVariable UUID id) {
		sessions.revoke(SignedInAccount.current().accountId(), id, "revoked_by_user");
	}

	@PostMapping("/sessions/revoke-others")
	@Operation(operationId = "revokeMyOtherSessions", summary = "End every session but the caller's")
	Map<String, Integer> revokeOthers() {
		var me = SignedInAccount.current();
		var ended = transactions
			.execute(status -> sessions.revokeAll(me.accountId(), me.sessionId(), "revoked_by_user"));
		return Map.of("revoked", ended == null ? 0 : ended.size());
	}

}

package dev.plangate.identity.account;

import java.util.List;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.identity.account.AccountViews.AccountView;
import dev.plangate.identity.account.AccountViews.SessionView;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Page;
import dev.plangate.platform.Refusals;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * Support staff's view of accounts: a server key, or the access token of an operator
 * (support, admin or superadmin) who has turned on two-factor authentication; and the
 * roles, which only a superadmin gives.
 */
@RestController
@RequestMapping("/v1/admin/accounts")
@Tag(name = "Accounts")
@Validated
class AdminAccountController {

	private final AccountAdministration administration;

	AdminAccountController(AccountAdministration administration) {
		this.administration = administration;
	}

	record AccountOverview(AccountView account, List<SessionView> sessions) {

		static AccountOverview of(AccountAdministration.Overview overview) {
			return new AccountOverview(AccountView.of(overview.account()),
					overview.sessions().stream().map(s -> SessionView.of(s, null)).toList());
		}
	}

	record SessionsRevoked(UUID accountId, int revoked) {
	}

	record RoleChange(@NotNull @Pattern(regexp = "user|support|admin|superadmin",
			message = "must be user, support, admin or superadmin") @Schema(
					description = "`user`, `support`, `admin` or `superadmin`", allowableValues = {
							"user", "support", "admin", "superadmin" }) String role){
	}

	@GetMapping
	@Operation(operationId = "listAccounts", summary = "Find the account with an email address",
			description = "Answers a list of at most one account (none when no account has the address).")
	Page<AccountView> find(@RequestParam @NotBlank @Size(max = 320) String email) {
		administration.requireSecondFactorOfOperator();
		return Page.of(administration.findByEmail(email).map(AccountView::of).stream().toList());
	}

	@GetMapping("/{accountId}")
	@Operation(operationId = "getAccount", summary = "An account with its active sessions",
			description = "With a server key, or an admin's or superadmin's access token; an operator without "
					+ "two-factor authentication on gets 403 `two_factor_required`.")
	AccountOverview get(@PathVariable UUID accountId) {
		administration.requireSecondFactorOfOperator();
		return AccountOverview.of(administration.overview(accountId));
	}

	@DeleteMapping("/{accountId}/sessions")
	@Operation(operationId = "revokeAccountSessions", summary = "End every session of an account",
			description = "Every session ends and every access token issued to the account so far stops working at "
					+ "once, on every node. Its personal API keys are not touched: suspend the customer to stop "
					+ "them too. Only a superadmin's token (or a server key) may do this to a superadmin (403); an operator without "
					+ "two-factor authentication on gets 403 `two_factor_required`.")
	SessionsRevoked revokeSessions(@PathVariable UUID accountId) {
		administration.requireSecondFactorOfOperator();
		return new SessionsRevoked(accountId, administration.revokeSessions(accountId).size());
	}

	@Refusals({ ErrorCode.TWO_FACTOR_REQUIRED })
	@DeleteMapping("/{accountId}/sessions/{sessionId}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(operationId = "revokeAccountSession", summary = "End one session of an account",
			description = "The session ends and the access tokens issued in it stop working at once, on every node; "
					+ "audited as `account.session_revoked`. The sessions are those of `GET /v1/admin/accounts/{id}`. "
					+ "404 `session_not_found` for a session that is not one of the account's active ones (another account's, or ended already). Only a superadmin's token (or a "
					+ "server key) may do this to a superadmin (403); an operator without two-factor authentication "
					+ "on gets 403 `two_factor_required`.")
	void revokeSession(@PathVariable UUID accountId, @PathVariable UUID sessionId) {
		administration.requireSecondFactorOfOperator();
		administration.revokeSession(accountId, sessionId);
	}

	@Refusals({ ErrorCode.LAST_SUPERADMIN, ErrorCode.TWO_FACTOR_REQUIRED })
	@PutMapping("/{accountId}/role")
	@Operation(operationId = "changeAccountRole", summary = "Give an account its role",
			description = "`support` reads the back office (accounts, customers, usage), ends sessions and clears rate "
					+ "limits; `admin` also changes customers, plans, overrides, grants and keys; `superadmin` also "
					+ "gives roles; `user` takes them away. Only a superadmin's access token may (403 otherwise; "
					+ "403 `two_factor_required` without two-factor authentication on). The account's sessions "
					+ "end and its access tokens stop working at once, so that it signs in again with the new "
					+ "role; the change is audited as `account.role_changed`. The last superadmin keeps its role "
					+ "(409 `last_superadmin`).")
	AccountView changeRole(@PathVariable UUID accountId, @Valid @RequestBody RoleChange change) {
		administration.requireSecondFactorOfOperator();
		return AccountView.of(administration.changeRole(accountId, AccountRole.of(change.role())));
	}

}

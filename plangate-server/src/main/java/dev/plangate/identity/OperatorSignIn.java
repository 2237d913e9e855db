package dev.plangate.identity;

import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;

import dev.plangate.identity.account.Device;
import dev.plangate.identity.account.SessionService;
import dev.plangate.identity.auth.LoginService;
import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.PlangateException;
import jakarta.servlet.http.HttpServletRequest;

/**
 * An operator's sign-in for a web session (the console's): the same sign-in as
 * {@code POST /v1/auth/login}, with its throttles, lockout and second factor, that lets
 * in only an operator (support and up) with two-factor authentication on. Anyone else's
 * new session is ended at once.
 */
@Service
public class OperatorSignIn {

	private final LoginService logins;

	private final SessionService sessions;

	OperatorSignIn(LoginService logins, SessionService sessions) {
		this.logins = logins;
		this.sessions = sessions;
	}

	/**
	 * An operator signed in.
	 *
	 * @param login the account's email, else its username
	 * @param sessionId the Plangate session the sign-in started
	 */
	public record Operator(UUID accountId, String login, OperatorRole role, UUID sessionId) {
	}

	/**
	 * @param code the second factor; without one, an operator's sign-in is refused with
	 * {@code second_factor_required} once the password is right
	 * @throws PlangateException as {@code POST /v1/auth/login} does, and
	 * {@code forbidden} for an account that is no operator's, {@code two_factor_required}
	 * for an operator without a second factor
	 */
	public Operator signIn(String login, String password, @Nullable String code, HttpServletRequest request) {
		var signedIn = logins.login(login, password, code, null, Device.of(request));
		var account = signedIn.account();
		var role = switch (account.role()) {
			case USER -> null;
			case SUPPORT -> OperatorRole.SUPPORT;
			case ADMIN -> OperatorRole.ADMIN;
			case SUPERADMIN -> OperatorRole.SUPERADMIN;
		};
		if (role == null || !account.hasTwoFactor()) {
			sessions.revoke(account.id(), signedIn.session().id(), "not_for_console");
			throw role == null
					? new PlangateException(ErrorCode.FORBIDDEN,
							"This account may not use the console: it is for operators (support, admin, superadmin)")
					: new PlangateException(ErrorCode.TWO_FACTOR_REQUIRED,
							"Turn on two-factor authentication for your account (POST /v1/me/two-factor) before "
									+ "using the console");
		}
		var name = account.email() != null ? account.email() : account.username();
		return new Operator(account.id(), name != null ? name : login, role, signedIn.session().id());
	}

	/** Whether the session still goes on: neither ended, revoked nor expired. */
	public boolean isActive(UUID sessionId) {
		return sessions.isActive(sessionId);
	}

	/** Ends the operator's session, if it still goes on. */
	public void end(Operator operator, String reason) {
		if (sessions.isActive(operator.sessionId())) {
			sessions.revoke(operator.accountId(), operator.sessionId(), reason);
		}
	}

}

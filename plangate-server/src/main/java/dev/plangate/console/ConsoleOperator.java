package dev.plangate.console;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import dev.plangate.identity.OperatorRole;
import dev.plangate.identity.OperatorSignIn;
import dev.plangate.platform.Actor;
import dev.plangate.platform.SessionPrincipal;

/**
 * The operator signed into the console, for the length of its cookie session.
 *
 * @param sessionId the Plangate session the sign-in started: signing out ends it, and the
 * console session ends with it
 */
record ConsoleOperator(UUID accountId, String login, OperatorRole role,
		UUID sessionId) implements Actor.Principal, SessionPrincipal, Serializable {

	/** The audit log names the account, as it does for the account's access token. */
	@Override
	public String actorName() {
		return "account:" + accountId;
	}

	/**
	 * {@code ROLE_SUPPORT}, and {@code ROLE_ADMIN} and {@code ROLE_SUPERADMIN} as the
	 * role includes them.
	 */
	List<GrantedAuthority> authorities() {
		var authorities = new ArrayList<GrantedAuthority>();
		for (var each : OperatorRole.values()) {
			if (role.includes(each)) {
				authorities.add(new SimpleGrantedAuthority("ROLE_" + each.name()));
			}
		}
		return authorities;
	}

	static ConsoleOperator of(OperatorSignIn.Operator operator) {
		return new ConsoleOperator(operator.accountId(), operator.login(), operator.role(), operator.sessionId());
	}

	OperatorSignIn.Operator signedIn() {
		return new OperatorSignIn.Operator(accountId, login, role, sessionId);
	}

	/** Whether the operator makes changes (admin and up); public for the templates. */
	public boolean mayChange() {
		return role.includes(OperatorRole.ADMIN);
	}

}

package dev.plangate.console;

import java.io.Serializable;
import java.util.List;
import java.util.UUID;

import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

import dev.plangate.identity.PortalAccounts;
import dev.plangate.platform.Actor;

/**
 * An end user signed into the portal with a Plangate account, for the length of its
 * cookie session.
 *
 * @param customerId the account's own customer, whose plan and usage the portal shows
 * @param sessionId the Plangate session the sign-in started: signing out ends it, and the
 * portal session ends with it
 */
record PortalUser(UUID accountId, String customerId, String login,
		UUID sessionId) implements Actor.Principal, Serializable {

	/** The audit log names the account, as it does for the account's access token. */
	@Override
	public String actorName() {
		return "account:" + accountId;
	}

	/** {@code ROLE_PORTAL}, which opens no console page. */
	List<GrantedAuthority> authorities() {
		return List.of(new SimpleGrantedAuthority("ROLE_PORTAL"));
	}

	static PortalUser of(PortalAccounts.SignedIn signedIn) {
		return new PortalUser(signedIn.accountId(), signedIn.customerId(), signedIn.login(), signedIn.sessionId());
	}

}

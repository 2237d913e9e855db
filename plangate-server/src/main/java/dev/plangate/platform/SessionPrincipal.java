package dev.plangate.platform;

import java.util.UUID;

/**
 * A caller signed into a web session with a Plangate account (the console's operator):
 * the account and the Plangate session its sign-in started. A service that decides by the
 * caller's role reads the account's role as it is now, and only while the session goes
 * on.
 */
public interface SessionPrincipal {

	UUID accountId();

	UUID sessionId();

}

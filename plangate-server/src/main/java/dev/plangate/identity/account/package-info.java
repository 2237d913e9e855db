/**
 * Accounts: sign-up, confirmed addresses, password change and reset, sessions and their
 * refresh tokens, sign-in throttling and lockout, account mails, the first superadmin and
 * account administration.
 */
@ApplicationModule
@NullMarked
package dev.plangate.identity.account;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

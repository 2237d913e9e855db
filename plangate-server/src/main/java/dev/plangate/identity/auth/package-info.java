/**
 * The way in: /v1/auth's sign-up, sign-in (password, lockout, second factor), refresh and
 * sign-out, and the mailed links that confirm an address or reset a password.
 */
@ApplicationModule
@NullMarked
package dev.plangate.identity.auth;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

/**
 * Two-factor sign-in: TOTP enrolment and codes, recovery codes.
 */
@ApplicationModule
@NullMarked
package dev.plangate.identity.twofactor;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

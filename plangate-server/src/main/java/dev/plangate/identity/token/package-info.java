/**
 * Access tokens: signing keys and their JWKS, issuing and verifying JWTs, revocation,
 * customer-scoped tokens, and the filter that turns a bearer token into the caller.
 */
@ApplicationModule
@NullMarked
package dev.plangate.identity.token;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

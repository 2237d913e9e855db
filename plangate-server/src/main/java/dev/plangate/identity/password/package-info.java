/**
 * Passwords: the policy (length, common passwords), Unicode normalization and Argon2id
 * hashing.
 */
@ApplicationModule
@NullMarked
package dev.plangate.identity.password;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

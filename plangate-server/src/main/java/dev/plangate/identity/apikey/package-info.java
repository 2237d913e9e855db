/**
 * API keys: server keys, worker keys and account-owned personal keys, their format,
 * checksum and lookup, and how they authenticate a request as bearer credentials.
 */
@ApplicationModule
@NullMarked
package dev.plangate.identity.apikey;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

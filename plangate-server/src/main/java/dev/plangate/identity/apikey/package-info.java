/**
 * API keys: server keys, worker keys and account-owned personal keys, their format,
 * checksum and lookup, and the filters that authenticate them.
 */
@ApplicationModule
@NullMarked
package dev.plangate.identity.apikey;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

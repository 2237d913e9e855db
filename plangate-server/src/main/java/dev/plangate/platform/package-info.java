/**
 * Shared ground for every module: the error vocabulary, problem details, the clock and
 * the caller's identity.
 */
@ApplicationModule(type = ApplicationModule.Type.OPEN)
@NullMarked
package dev.plangate.platform;

import org.jspecify.annotations.NullMarked;
import org.springframework.modulith.ApplicationModule;

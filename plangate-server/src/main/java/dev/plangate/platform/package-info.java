/**
 * Shared ground for every module: the error vocabulary, problem details, the clock and
 * the caller's identity.
 */
@org.springframework.modulith.ApplicationModule(type = org.springframework.modulith.ApplicationModule.Type.OPEN)
@org.jspecify.annotations.NullMarked
package dev.plangate.platform;

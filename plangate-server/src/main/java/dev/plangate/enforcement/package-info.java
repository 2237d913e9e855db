/**
 * Enforcement decisions: may this customer do this, now? Check (changes nothing) and
 * consume (atomic, recorded).
 */
@org.jspecify.annotations.NullMarked
package dev.plangate.enforcement;

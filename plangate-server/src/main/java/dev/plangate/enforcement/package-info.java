/**
 * Enforcement decisions: may this customer do this, now? Check (changes nothing) and
 * consume (atomic, recorded).
 */
@NullMarked
package dev.plangate.enforcement;

import org.jspecify.annotations.NullMarked;

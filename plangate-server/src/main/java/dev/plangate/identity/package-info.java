/**
 * Who is calling: API keys, accounts, sessions and tokens, two-factor sign-in and
 * organizations, each a nested module, and the web security configuration where their
 * filters meet.
 */
@NullMarked
package dev.plangate.identity;

import org.jspecify.annotations.NullMarked;

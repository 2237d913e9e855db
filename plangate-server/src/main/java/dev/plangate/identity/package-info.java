/**
 * Server API keys, access tokens (signing keys, JWKS, revocation, customer-scoped tokens)
 * and how a request is authenticated.
 */
@org.jspecify.annotations.NullMarked
package dev.plangate.identity;

/** Server API keys and how a request is authenticated. */
@org.jspecify.annotations.NullMarked
package dev.plangate.identity;

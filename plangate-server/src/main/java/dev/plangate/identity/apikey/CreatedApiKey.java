package dev.plangate.identity.apikey;

/** A key just created: the only time its secret is ever shown. */
public record CreatedApiKey(ApiKey key, String secret) {
}

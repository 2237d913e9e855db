package dev.plangate.identity.token;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * Access tokens and their signing keys ({@code plangate.tokens.*}).
 *
 * @param issuer the {@code iss} of access tokens: set it to Plangate's public URL
 * @param audience the {@code aud} of access tokens
 * @param accessTtl life of an account's access token (30s to 1d); customer-scoped tokens
 * choose theirs (60s to 1d)
 * @param keyRotation how long one signing key signs before the next takes over (at least
 * 1h); keys are published at {@code /.well-known/jwks.json} (docs/tokens.md)
 * @param clockSkew leeway on token times ({@code exp}, {@code nbf}, {@code iat}), 0 to 5m
 */
@ConfigurationProperties("plangate.tokens")
record TokenSettings(@DefaultValue("http://localhost:8080") String issuer, @DefaultValue("plangate") String audience,
		@DefaultValue("15m") Duration accessTtl, @DefaultValue("30d") Duration keyRotation,
		@DefaultValue("30s") Duration clockSkew) {

	/** The longest a customer-scoped token may live. */
	static final Duration MAX_CUSTOMER_TOKEN_TTL = Duration.ofDays(1);

	TokenSettings {
		issuer = Settings.notBlank("plangate.tokens.issuer", issuer);
		Settings.webUrl("plangate.tokens.issuer", issuer);
		audience = Settings.notBlank("plangate.tokens.audience", audience);
		Settings.between("plangate.tokens.access-ttl", accessTtl, Duration.ofSeconds(30), MAX_CUSTOMER_TOKEN_TTL);
		Settings.atLeast("plangate.tokens.key-rotation", keyRotation, Duration.ofHours(1));
		Settings.between("plangate.tokens.clock-skew", clockSkew, Duration.ZERO, Duration.ofMinutes(5));
	}

	/** No token lives longer than this after it was issued, skew included. */
	Duration longestTokenLife() {
		return (accessTtl.compareTo(MAX_CUSTOMER_TOKEN_TTL) > 0 ? accessTtl : MAX_CUSTOMER_TOKEN_TTL).plus(clockSkew);
	}

	/**
	 * How long before a key stops signing its successor is made and published, so that
	 * verifiers holding a cached JWKS know it before it signs.
	 */
	Duration prePublication() {
		var quarter = keyRotation.dividedBy(4);
		return quarter.compareTo(Duration.ofDays(1)) < 0 ? quarter : Duration.ofDays(1);
	}

}

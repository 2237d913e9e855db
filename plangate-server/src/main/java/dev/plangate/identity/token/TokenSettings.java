package dev.plangate.identity.token;

import java.time.Duration;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/** The {@code plangate.tokens.*} settings, checked at start. */
@Component
class TokenSettings {

	/** The longest a customer-scoped token may live. */
	static final Duration MAX_CUSTOMER_TOKEN_TTL = Duration.ofDays(1);

	private final String issuer;

	private final String audience;

	private final Duration accessTtl;

	private final Duration keyRotation;

	private final Duration clockSkew;

	TokenSettings(@Value("${plangate.tokens.issuer:http://localhost:8080}") String issuer,
			@Value("${plangate.tokens.audience:plangate}") String audience,
			@Value("${plangate.tokens.access-ttl:15m}") Duration accessTtl,
			@Value("${plangate.tokens.key-rotation:30d}") Duration keyRotation,
			@Value("${plangate.tokens.clock-skew:30s}") Duration clockSkew) {
		if (issuer.isBlank() || audience.isBlank()) {
			throw new IllegalStateException("plangate.tokens.issuer and plangate.tokens.audience must not be blank");
		}
		if (accessTtl.compareTo(Duration.ofSeconds(30)) < 0 || accessTtl.compareTo(MAX_CUSTOMER_TOKEN_TTL) > 0) {
			throw new IllegalStateException("plangate.tokens.access-ttl must be between 30s and 1d, not " + accessTtl);
		}
		if (keyRotation.compareTo(Duration.ofHours(1)) < 0) {
			throw new IllegalStateException("plangate.tokens.key-rotation must be at least 1h, not " + keyRotation);
		}
		if (clockSkew.isNegative() || clockSkew.compareTo(Duration.ofMinutes(5)) > 0) {
			throw new IllegalStateException("plangate.tokens.clock-skew must be between 0 and 5m, not " + clockSkew);
		}
		this.issuer = issuer;
		this.audience = audience;
		this.accessTtl = accessTtl;
		this.keyRotation = keyRotation;
		this.clockSkew = clockSkew;
	}

	String issuer() {
		return issuer;
	}

	String audience() {
		return audience;
	}

	Duration accessTtl() {
		return accessTtl;
	}

	Duration keyRotation() {
		return keyRotation;
	}

	Duration clockSkew() {
		return clockSkew;
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

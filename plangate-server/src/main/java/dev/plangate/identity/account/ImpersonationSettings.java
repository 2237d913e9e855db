package dev.plangate.identity.account;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * Operators viewing as an end user ({@code plangate.impersonation.*}).
 *
 * @param defaultTtl life of an impersonation token when the request names none (1m to the
 * longest)
 * @param maxTtl the longest an impersonation token may live (1m to 1d)
 */
@ConfigurationProperties("plangate.impersonation")
record ImpersonationSettings(@DefaultValue("15m") Duration defaultTtl, @DefaultValue("1h") Duration maxTtl) {

	static final Duration SHORTEST = Duration.ofMinutes(1);

	ImpersonationSettings {
		Settings.between("plangate.impersonation.max-ttl", maxTtl, SHORTEST, Duration.ofDays(1));
		Settings.between("plangate.impersonation.default-ttl", defaultTtl, SHORTEST, maxTtl);
	}

}

package dev.plangate.enforcement;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * How rate limits are decided when their store fails ({@code plangate.rate-limits.*}).
 *
 * @param onStoreFailure when Redis cannot be reached: {@code open} allows (and logs),
 * {@code closed} answers 503
 */
@ConfigurationProperties("plangate.rate-limits")
record EnforcementSettings(@DefaultValue("open") String onStoreFailure) {

	EnforcementSettings {
		onStoreFailure = Settings.oneOf("plangate.rate-limits.on-store-failure", onStoreFailure, "open", "closed");
	}

	boolean failClosed() {
		return onStoreFailure.equals("closed");
	}

}

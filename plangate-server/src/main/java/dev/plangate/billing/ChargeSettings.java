package dev.plangate.billing;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * How overage is billed ({@code plangate.charges.*}).
 *
 * @param interval how often each node looks for ended periods with overage to bill, and
 * for charges still to be sent to Stripe, 1s to 1d
 * @param delay how long after a period ends its overage is billed, so that consumes
 * decided at its very end are in, 0 to 7d
 */
@ConfigurationProperties("plangate.charges")
record ChargeSettings(@DefaultValue("1m") Duration interval, @DefaultValue("5m") Duration delay) {

	ChargeSettings {
		Settings.between("plangate.charges.interval", interval, Duration.ofSeconds(1), Duration.ofDays(1));
		Settings.between("plangate.charges.delay", delay, Duration.ZERO, Duration.ofDays(7));
	}

}

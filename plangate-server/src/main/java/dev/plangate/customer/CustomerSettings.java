package dev.plangate.customer;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * What the customer module reads on its own ({@code plangate.customers.*}).
 *
 * @param metricsRefresh how often the {@code plangate.customers} gauge (customers by plan
 * and status) is read from the database again, 1s to 1h (docs/operations.md)
 */
@ConfigurationProperties("plangate.customers")
record CustomerSettings(@DefaultValue("30s") Duration metricsRefresh) {

	CustomerSettings {
		Settings.between("plangate.customers.metrics-refresh", metricsRefresh, Duration.ofSeconds(1),
				Duration.ofHours(1));
	}

}

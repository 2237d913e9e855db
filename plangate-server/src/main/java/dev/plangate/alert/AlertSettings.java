package dev.plangate.alert;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.catalog.AlertThresholds;
import dev.plangate.platform.Settings;

/**
 * Usage alerts ({@code plangate.alerts.*}).
 *
 * @param defaultThresholds the percents of a quota's limit at which alerts fire when
 * neither the catalog's feature nor the customer names its own: whole percents from 1 to
 * 1000, ascending
 */
@ConfigurationProperties("plangate.alerts")
record AlertSettings(@DefaultValue( {
		"80", "100" }) List<Integer> defaultThresholds){

	AlertSettings {
		var problems = AlertThresholds.problems(defaultThresholds);
		Settings.require(problems.isEmpty(), "plangate.alerts.default-thresholds",
				problems.isEmpty() ? "" : problems.get(0) + " (for example 80,100)");
		defaultThresholds = List.copyOf(defaultThresholds);
	}

}

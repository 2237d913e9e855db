package dev.plangate.alert;

import java.time.Duration;
import java.util.ArrayList;
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
 * 1000, ascending, separated by commas
 * @param retention how long the alert history keeps an alert (1 day to 10 years); an
 * alert of a period that has not ended, such as a lifetime quota's, is kept until it has
 */
@ConfigurationProperties("plangate.alerts")
record AlertSettings(@DefaultValue("80,100") String defaultThresholds, @DefaultValue("400d") Duration retention) {

	private static final String PROPERTY = "plangate.alerts.default-thresholds";

	AlertSettings {
		var problems = AlertThresholds.problems(parse(defaultThresholds));
		Settings.require(problems.isEmpty(), PROPERTY,
				problems.isEmpty() ? "" : problems.get(0) + " (for example 80,100)");
		Settings.between("plangate.alerts.retention", retention, Duration.ofDays(1), Duration.ofDays(3660));
	}

	/** The default thresholds, ascending. */
	List<Integer> thresholds() {
		return parse(defaultThresholds);
	}

	private static List<Integer> parse(String text) {
		var percents = new ArrayList<Integer>();
		for (var part : text.split(",", -1)) {
			try {
				percents.add(Integer.parseInt(part.strip()));
			}
			catch (NumberFormatException ex) {
				throw Settings.invalid(PROPERTY,
						"must be whole percents separated by commas (for example 80,100), not '" + text + "'");
			}
		}
		return List.copyOf(percents);
	}

}

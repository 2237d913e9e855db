package dev.plangate.enforcement;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * The decision counts behind {@code GET /v1/admin/stats/decisions}
 * ({@code plangate.decision-stats.*}).
 *
 * @param flushInterval how often each node adds the decisions it counted in memory to the
 * database (1 second to 5 minutes): the figures are this far behind at most, and a node
 * that crashes loses at most this much of them
 * @param retention how long the per-minute counts are kept (1 to 400 days)
 */
@ConfigurationProperties("plangate.decision-stats")
record DecisionStatsSettings(@DefaultValue("5s") Duration flushInterval, @DefaultValue("35d") Duration retention) {

	DecisionStatsSettings {
		Settings.between("plangate.decision-stats.flush-interval", flushInterval, Duration.ofSeconds(1),
				Duration.ofMinutes(5));
		Settings.between("plangate.decision-stats.retention", retention, Duration.ofDays(1), Duration.ofDays(400));
	}

}

package dev.plangate.metering;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * How the usage ledger groups its commits ({@code plangate.ledger.*}).
 *
 * @param batchEvents the most usage events one ledger commit carries
 * @param queueRequests requests waiting for the ledger before new ones get 503
 * {@code ledger_busy} (for each writer)
 * @param writers writer threads of this node, each with its own queue and group commit; a
 * request goes to the writer of its (first) customer. More than one lets commits to
 * PostgreSQL overlap; each holds a database connection while it writes
 */
@ConfigurationProperties("plangate.ledger")
record LedgerSettings(@DefaultValue("5000") int batchEvents, @DefaultValue("10000") int queueRequests,
		@DefaultValue("1") int writers) {

	LedgerSettings {
		Settings.atLeast("plangate.ledger.batch-events", batchEvents, 1);
		Settings.atLeast("plangate.ledger.queue-requests", queueRequests, 1);
		Settings.between("plangate.ledger.writers", writers, 1, 64);
	}

}

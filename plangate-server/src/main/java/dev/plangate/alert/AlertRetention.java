package dev.plangate.alert;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.plangate.platform.Timestamps;

/**
 * Keeps the alert history to {@code plangate.alerts.retention}: older alerts go, on
 * whichever node runs first, a bounded number a statement so that none holds its locks
 * long. An alert of a period that has not ended (a lifetime quota's, say) stays however
 * old: its row is what keeps it from firing a second time in that period.
 */
@Component
class AlertRetention {

	private static final Logger log = LoggerFactory.getLogger(AlertRetention.class);

	/** Alerts removed a statement. */
	static final int CHUNK = 5_000;

	private final JdbcClient jdbc;

	private final AlertSettings settings;

	private final Clock clock;

	AlertRetention(JdbcClient jdbc, AlertSettings settings, Clock clock) {
		this.jdbc = jdbc;
		this.settings = settings;
		this.clock = clock;
	}

	@Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
	void purgeOnSchedule() {
		int removed = purge();
		if (removed > 0) {
			log.debug("Removed {} usage alerts older than {}", removed, settings.retention());
		}
	}

	/** Removes the alerts past the retention whose period has ended; answers how many. */
	int purge() {
		return purge(CHUNK);
	}

	/** {@link #purge()}, {@code chunk} alerts a statement. */
	int purge(int chunk) {
		var now = clock.instant();
		var cutoff = Timestamps.sql(now.minus(settings.retention()));
		int total = 0;
		while (true) {
			int removed = jdbc.sql("""
					delete from usage_alert where seq in (
					  select seq from usage_alert
					  where fired_at < :cutoff and period_end is not null and period_end <= :now
					  limit :chunk)""")
				.param("cutoff", cutoff)
				.param("now", Timestamps.sql(now))
				.param("chunk", chunk)
				.update();
			total += removed;
			if (removed < chunk) {
				return total;
			}
		}
	}

}

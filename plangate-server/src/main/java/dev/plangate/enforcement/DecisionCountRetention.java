package dev.plangate.enforcement;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the decision counts to {@code plangate.decision-stats.retention}: older minutes
 * go, on whichever node runs first, an hour of minutes a statement so that none holds its
 * locks long.
 */
@Component
class DecisionCountRetention {

	private static final Logger log = LoggerFactory.getLogger(DecisionCountRetention.class);

	/** Minutes removed a statement. */
	static final int CHUNK = 60;

	private final DecisionCountRepository repository;

	private final DecisionStatsSettings settings;

	private final Clock clock;

	DecisionCountRetention(DecisionCountRepository repository, DecisionStatsSettings settings, Clock clock) {
		this.repository = repository;
		this.settings = settings;
		this.clock = clock;
	}

	@Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT7M")
	void purgeOnSchedule() {
		int removed = purge();
		if (removed > 0) {
			log.debug("Removed {} decision counts older than {}", removed, settings.retention());
		}
	}

	/** Removes the counts of minutes past the retention; answers how many rows went. */
	int purge() {
		return purge(CHUNK);
	}

	/** {@link #purge()}, {@code minutes} minutes a statement. */
	int purge(int minutes) {
		return repository.purge(clock.instant().minus(settings.retention()), minutes);
	}

}

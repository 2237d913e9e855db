package dev.plangate.enforcement;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps allowance blocks to {@code plangate.allowances.retention} past their expiry:
 * older ones go, on whichever node runs first.
 */
@Component
class AllowanceRetention {

	private static final Logger log = LoggerFactory.getLogger(AllowanceRetention.class);

	private final AllowanceRepository repository;

	private final AllowanceSettings settings;

	private final Clock clock;

	AllowanceRetention(AllowanceRepository repository, AllowanceSettings settings, Clock clock) {
		this.repository = repository;
		this.settings = settings;
		this.clock = clock;
	}

	@Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT11M")
	void purgeOnSchedule() {
		int removed = purge();
		if (removed > 0) {
			log.debug("Removed {} allowance blocks expired more than {} ago", removed, settings.retention());
		}
	}

	/** Removes the blocks expired longer ago than the retention; answers how many. */
	int purge() {
		return repository.purgeExpiredBefore(clock.instant().minus(settings.retention()));
	}

}

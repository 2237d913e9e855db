package dev.plangate.webhook;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.plangate.platform.Timestamps;

/**
 * Keeps the event log to {@code plangate.webhooks.event-retention}: older events go, with
 * their deliveries and attempts, on whichever node runs first, a bounded number a
 * statement so that none holds its locks long. An event that an endpoint still waits to
 * receive stays until it is delivered or the endpoint is deleted.
 */
@Component
class EventRetention {

	private static final Logger log = LoggerFactory.getLogger(EventRetention.class);

	/** Events removed a statement. */
	static final int CHUNK = 5_000;

	private final JdbcClient jdbc;

	private final WebhookSettings settings;

	private final Clock clock;

	EventRetention(JdbcClient jdbc, WebhookSettings settings, Clock clock) {
		this.jdbc = jdbc;
		this.settings = settings;
		this.clock = clock;
	}

	@Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT3M")
	void purgeOnSchedule() {
		int removed = purge();
		if (removed > 0) {
			log.debug("Removed {} events older than {}", removed, settings.eventRetention());
		}
	}

	/**
	 * Removes the events past the retention that no endpoint waits for; answers how many.
	 */
	int purge() {
		var cutoff = Timestamps.sql(clock.instant().minus(settings.eventRetention()));
		int total = 0;
		while (true) {
			int removed = jdbc.sql("""
					delete from event_log where id in (
					  select e.id from event_log e
					  where e.occurred_at < :cutoff
					    and not exists (select 1 from webhook_delivery d
					                    where d.event_id = e.id and d.status in ('pending', 'delivering'))
					  limit :chunk)""").param("cutoff", cutoff).param("chunk", CHUNK).update();
			total += removed;
			if (removed < CHUNK) {
				return total;
			}
		}
	}

}

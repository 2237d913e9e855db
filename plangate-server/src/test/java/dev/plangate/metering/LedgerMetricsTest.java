package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;

import org.junit.jupiter.api.Test;

import dev.plangate.support.Api;
import dev.plangate.support.Scrape;
import dev.plangate.support.ServerTest;

/**
 * The usage ledger's group commit shows in Prometheus: each commit timed (with a
 * histogram), the events it carried, and the writer's queue.
 */
class LedgerMetricsTest extends ServerTest {

	@Test
	void aConsumeIsCommittedAndTimed() {
		// given
		var customer = newCustomer("ledger-metrics");
		var before = Scrape.of(api);

		// when three units are consumed, one request each
		for (int i = 0; i < 3; i++) {
			var response = api.post("/v1/consume", Api.json(Map.of("customerId", customer, "feature", "api_calls")));
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
		}
		// (each commit is timed once its answers are out)
		Awaitility.await()
			.atMost(Duration.ofSeconds(10))
			.until(() -> Scrape.of(api).sum("plangate_ledger_commit_events_sum", Map.of())
					- before.sum("plangate_ledger_commit_events_sum", Map.of()) >= 3);
		var after = Scrape.of(api);

		// then the ledger committed them, at most one commit per event, each timed
		double commits = after.sum("plangate_ledger_commit_seconds_count", Map.of())
				- before.sum("plangate_ledger_commit_seconds_count", Map.of());
		double events = after.sum("plangate_ledger_commit_events_sum", Map.of())
				- before.sum("plangate_ledger_commit_events_sum", Map.of());
		assertThat(events).isGreaterThanOrEqualTo(3);
		assertThat(commits).isBetween(1.0, events);
		assertThat(after.samples("plangate_ledger_commit_seconds_bucket", Map.of())).hasSizeGreaterThan(10);
		// and nothing waits for the writer once every answer came
		assertThat(after.samples("plangate_ledger_queue_depth", Map.of())).hasSize(1);
		assertThat(after.sum("plangate_ledger_queue_depth", Map.of())).isZero();
	}

}

package dev.plangate.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import dev.plangate.support.Api;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;

/**
 * Usage reported at once by many requests is counted exactly once per id, and nothing
 * acknowledged is lost.
 */
class LedgerRaceTest extends ServerTest {

	@Autowired
	LedgerRepository ledger;

	@Autowired
	JdbcClient jdbc;

	private String events(String customer, int from, int to) {
		var events = new ArrayList<String>();
		for (int i = from; i < to; i++) {
			events.add("{\"id\":\"ev-%d\",\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":%d}".formatted(i,
					customer, i % 7 + 1));
		}
		return "{\"events\":[" + String.join(",", events) + "]}";
	}

	private static long amountOf(int i) {
		return i % 7 + 1;
	}

	@Test
	void overlappingRequestsAtOnceCountEachIdOnceAndTotalsMatchTheLedger() throws Exception {
		// given: 24 requests of 50 events each; request n covers ids 25n .. 25n+49, so
		// neighbours overlap by half
		var customer = newCustomer("ledger-race");
		var tasks = new ArrayList<Callable<Api.Response>>();
		for (int n = 0; n < 24; n++) {
			int from = n * 25;
			tasks.add(() -> api.post("/v1/usage-events", events(customer, from, from + 50)));
		}

		// when
		var responses = Race.run(tasks);

		// then: every request acknowledged, every id counted once
		assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.text()).isEqualTo(200));
		long expected = 0;
		for (int i = 0; i < 23 * 25 + 50; i++) {
			expected += amountOf(i);
		}
		long recordedAnswers = responses.stream().mapToLong(r -> r.body().path("recorded").asLong()).sum();
		assertThat(recordedAnswers).as("ids answered as newly recorded").isEqualTo(23 * 25 + 50);
		var period = LedgerRows.periodStart(api, customer);
		assertThat(ledger.ledgerSum(customer, "api_calls", period)).isEqualTo(expected);
		assertThat(ledger.used(customer, "api_calls", period)).isEqualTo(expected);
		var rollups = jdbc.sql("select sum(amount), sum(events) from usage_rollup where customer_id = :c")
			.param("c", customer)
			.query((rs, n) -> List.of(rs.getLong(1), rs.getLong(2)))
			.single();
		assertThat(rollups).as("hourly rollups: amount, events").containsExactly(expected, (long) (23 * 25 + 50));
	}

	@Test
	void everyAcknowledgedEventIsInTheLedger() throws Exception {
		// given
		var customer = newCustomer("ledger-durable");

		// when: 16 requests at once, each with its own 20 ids
		var responses = Race.run(IntStream.range(0, 16)
			.mapToObj(n -> (Callable<Api.Response>) () -> api.post("/v1/usage-events",
					events(customer, n * 20, n * 20 + 20)))
			.toList());

		// then: each id answered 200 is stored, with the amount sent
		var acknowledged = new HashSet<String>();
		for (var response : responses) {
			assertThat(response.status()).isEqualTo(200);
			response.body().path("events").forEach(e -> acknowledged.add(e.path("id").asString()));
		}
		List<String> stored = jdbc.sql("select event_id from usage_event where customer_id = :c")
			.param("c", customer)
			.query(String.class)
			.list();
		assertThat(stored).containsExactlyInAnyOrderElementsOf(acknowledged).hasSize(16 * 20);
	}

	@Test
	void concurrentRequestsShareCommits() throws Exception {
		// given
		var customer = newCustomer("ledger-group");

		// when: 40 single-event requests at once
		var responses = Race.run(IntStream.range(0, 40)
			.mapToObj(n -> (Callable<Api.Response>) () -> api.post("/v1/usage-events", events(customer, n, n + 1)))
			.toList());

		// then: events committed together carry the same recording time, so fewer commits
		// than requests happened
		var commits = new HashSet<String>();
		responses.forEach(r -> commits.add(r.body().path("events").get(0).path("recordedAt").asString()));
		assertThat(responses).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
		assertThat(commits.size()).isLessThan(40);
	}

	@Test
	void consumesRacingUsageEventsNeverTakeTheRunningTotalPastTheLimit() throws Exception {
		// given: 45 of a limit of 50 used
		var customer = newCustomer("ledger-mixed");
		assertThat(api.put("/v1/customers/" + customer + "/overrides/api_calls", "{\"value\":50}").status())
			.isEqualTo(200);
		api.post("/v1/usage-events",
				"{\"events\":[{\"id\":\"base\",\"customerId\":\"%s\",\"feature\":\"api_calls\",\"amount\":45}]}"
					.formatted(customer));
		var tasks = new ArrayList<Callable<Api.Response>>();
		for (int i = 0; i < 40; i++) {
			int n = i;
			tasks.add(n % 2 == 0
					? () -> api.post("/v1/usage-events",
							events(customer, 1000 + n, 1001 + n).replace("\"amount\":" + amountOf(1000 + n),
									"\"amount\":1"))
					: () -> api.post("/v1/consume",
							"{\"customerId\":\"%s\",\"feature\":\"api_calls\",\"idempotencyKey\":\"c-%d\"}"
								.formatted(customer, n)));
		}

		// when: usage that already happened and consumes arrive together
		Race.run(tasks);

		// then: in ledger order, every admitted consume left the running total within the
		// limit
		record Row(long amount, Long usedAfter) {
		}
		var rows = jdbc.sql("select amount, used_after from usage_event where customer_id = :c order by seq")
			.param("c", customer)
			.query((rs, n) -> new Row(rs.getLong(1), (Long) rs.getObject(2)))
			.list();
		long running = 0;
		int admitted = 0;
		for (var row : rows) {
			running += row.amount();
			if (row.usedAfter() != null) {
				admitted++;
				assertThat(running).as("total after an admitted consume").isLessThanOrEqualTo(50);
				assertThat(row.usedAfter()).isEqualTo(running);
			}
		}
		assertThat(admitted).isBetween(0, 5);
		assertThat(running).isEqualTo(45 + 20 + admitted);
	}

	@Autowired
	LedgerWriter writer;

	@Autowired
	TransactionTemplate transactions;

	@Test
	void usageRecordedEarlierInABatchCountsForTheConsumesAfterIt() {
		// given: 45 of 50 used, then one batch holding usage of 5 followed by a consume
		// of 1
		var customer = newCustomer("ledger-batch");
		var period = LedgerRows.periodStart(api, customer);
		var now = Instant.now();
		transactions.executeWithoutResult(status -> writer.writeTogether(
				List.of(pending(new UsageEvent(customer, "base", "api_calls", 45, now, period, Map.of()), null))));

		// when
		var answers = transactions.execute(status -> writer.writeTogether(
				List.of(pending(new UsageEvent(customer, "late-usage", "api_calls", 5, now, period, Map.of()), null),
						pending(new UsageEvent(customer, "consume", "api_calls", 1, now, period, Map.of()), 50L))));

		// then: the consume is decided on 50, not on the 45 committed before the batch
		var consume = answers.get(1).get(0);
		assertThat(consume.admitted()).isFalse();
		assertThat(consume.used()).isEqualTo(50);
		assertThat(ledger.used(customer, "api_calls", period)).isEqualTo(50);
	}

	private static LedgerWriter.Pending pending(UsageEvent event, Long limit) {
		return new LedgerWriter.Pending(List.of(event), limit, null, new CompletableFuture<>());
	}

}

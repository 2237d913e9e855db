package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshSchema;

/**
 * Two completions ending a batch's last operations at the same moment: one of them sees
 * both and ends the batch at once. The scheduler's sweep, which would end a batch left
 * unsettled, is made to run only once an hour here, so the batch ends through the
 * completions or not for an hour.
 */
@FreshSchema
class BatchCompletionRaceTest extends BatchTestSupport {

	private static final String PATH = "/v1/worker/operations/complete";

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		configure(registry, "batch_completion_race", null, Map.of("system-concurrency", "100", "tick", "1h"));
	}

	@Test
	void twoCompletionsEndingABatchTogetherEndIt() throws Exception {
		var executor = Executors.newFixedThreadPool(2);
		try {
			for (int round = 0; round < 15; round++) {
				// given: the batch's two operations, each held by a worker of its own
				var submitted = submit(batch(customerOn("free"), "completion-race", operations(2)));
				var first = poll("w1", "completion-race", 1, 5);
				var second = poll("w2", "completion-race", 1, 5);
				assertThat(first).hasSize(1);
				assertThat(second).hasSize(1);
				var start = new CyclicBarrier(2);
				var answers = new ArrayList<Future<Api.Response>>();

				// when: both are reported done at once
				for (var held : List.of(List.of("w1", first.get(0).path("id").asString()),
						List.of("w2", second.get(0).path("id").asString()))) {
					answers.add(executor.submit(() -> {
						start.await(5, TimeUnit.SECONDS);
						return api.post(PATH, Api.json(Map.of("workerId", held.get(0), "operations",
								List.of(Map.of("id", held.get(1), "result", Map.of("ok", true))))));
					}));
				}

				// then: the batch ends without waiting for the sweep
				for (var answer : answers) {
					var response = answer.get(10, TimeUnit.SECONDS);
					assertThat(response.body().path("completed").asInt()).as(response.toString()).isEqualTo(1);
				}
				Awaitility.await()
					.alias("round " + round)
					.atMost(Duration.ofSeconds(5))
					.pollInterval(Duration.ofMillis(20))
					.until(() -> status(submitted).equals("completed"));
			}
		}
		finally {
			executor.shutdownNow();
		}
	}

}

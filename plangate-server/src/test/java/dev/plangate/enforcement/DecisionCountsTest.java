package dev.plangate.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.plangate.support.MovableClock;
import dev.plangate.support.Race;

/**
 * A node's in-memory decision counts: what threads count at once is taken exactly once,
 * however the takes fall between the counts.
 */
class DecisionCountsTest {

	private static final Instant NOON = Instant.parse("2027-03-01T12:00:30Z");

	private static Map<DecisionCounts.Cell, Long> sum(List<DecisionCounts.Count> counts,
			Map<DecisionCounts.Cell, Long> into) {
		counts.forEach(c -> into.merge(c.cell(), c.count(), Long::sum));
		return into;
	}

	@Test
	void countsOfConcurrentThreadsAddUpExactly() throws Exception {
		// given
		var counts = new DecisionCounts(new MovableClock(NOON));

		// when: eight threads count 50,000 decisions each, of two features and outcomes
		Race.times(8, () -> {
			for (int i = 0; i < 50_000; i++) {
				counts.add(i % 2 == 0 ? "api_calls" : "seats", i % 5 == 0 ? "refused" : "allowed",
						i % 5 == 0 ? "quota_exceeded" : "none");
			}
			return null;
		});
		var taken = sum(counts.take(), new HashMap<>());

		// then
		long minute = NOON.getEpochSecond() - 30;
		assertThat(taken).containsOnly(
				Map.entry(new DecisionCounts.Cell(minute, "api_calls", "allowed", "none"), 8 * 20_000L),
				Map.entry(new DecisionCounts.Cell(minute, "api_calls", "refused", "quota_exceeded"), 8 * 5_000L),
				Map.entry(new DecisionCounts.Cell(minute, "seats", "allowed", "none"), 8 * 20_000L),
				Map.entry(new DecisionCounts.Cell(minute, "seats", "refused", "quota_exceeded"), 8 * 5_000L));
		assertThat(counts.take()).as("taken once").isEmpty();
	}

	@Test
	void takesWhileThreadsCountLoseAndRepeatNothing() throws Exception {
		// given: four counting threads while one thread takes over and over, as the
		// flusher
		var clock = new MovableClock(NOON);
		var counts = new DecisionCounts(clock);
		var countersDone = new AtomicInteger();
		var taken = new HashMap<DecisionCounts.Cell, Long>();
		var tasks = new ArrayList<Callable<Integer>>();
		for (int t = 0; t < 4; t++) {
			tasks.add(() -> {
				for (int i = 0; i < 100_000; i++) {
					counts.add("api_calls", "allowed", "none");
				}
				countersDone.incrementAndGet();
				return 0;
			});
		}
		tasks.add(() -> {
			while (countersDone.get() < 4) {
				sum(counts.take(), taken);
			}
			return 0;
		});

		// when
		Race.run(tasks);
		sum(counts.take(), taken);

		// then
		assertThat(taken).containsOnly(Map
			.entry(new DecisionCounts.Cell(NOON.getEpochSecond() - 30, "api_calls", "allowed", "none"), 400_000L));
	}

	@Test
	void aPastMinuteIsDroppedAfterItsCountsAreTakenAndALateCountIsStillTaken() {
		// given: counts in one minute, taken; the clock three minutes on
		var clock = new MovableClock(NOON);
		var counts = new DecisionCounts(clock);
		counts.add("api_calls", "allowed", "none");
		assertThat(counts.take()).hasSize(1);
		clock.advance(Duration.ofMinutes(3));
		counts.add("api_calls", "allowed", "none");

		// when: a take drops the old minute's counter
		var taken = counts.take();

		// then
		assertThat(taken).extracting(DecisionCounts.Count::count).containsExactly(1L);
		assertThat(counts.size()).as("the current minute's counter only").isEqualTo(1);
		assertThat(counts.take()).isEmpty();
	}

	@Test
	void countsGivenBackAreTakenAtTheNextTake() {
		// given
		var counts = new DecisionCounts(new MovableClock(NOON));
		counts.add("seats", "refused", "quota_exceeded");
		counts.add("seats", "refused", "quota_exceeded");
		var failed = counts.take();
		counts.add("seats", "refused", "quota_exceeded");

		// when: the store failed, so they go back
		counts.giveBack(failed);

		// then
		assertThat(counts.take()).extracting(DecisionCounts.Count::count).containsExactly(3L);
	}

}

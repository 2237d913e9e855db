package dev.plangate.enforcement;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.springframework.stereotype.Component;

/**
 * This node's decisions not yet added to the database, counted in memory per minute,
 * feature, outcome and code: a decision only finds its counter and adds one, and
 * {@link DecisionCountFlusher} takes the counts away every few seconds. Nothing here
 * touches the database, so counting adds no round trip to the hot path.
 * <p>
 * Taking the counts resets each counter atomically ({@link LongAdder#sumThenReset}), so a
 * decision counted at the same moment is either taken now or left for the next time,
 * never lost. A minute's counter is dropped once the minute is two minutes past, and is
 * taken once more at the next flush for a decision that read the clock before then.
 */
@Component
class DecisionCounts {

	/** One counter's key; {@code minute} is the epoch second its minute starts at. */
	record Cell(long minute, String feature, String outcome, String code) {

		Instant start() {
			return Instant.ofEpochSecond(minute);
		}

	}

	/** What a counter held when taken. */
	record Count(Cell cell, long count) {
	}

	private final Clock clock;

	private final Map<Cell, LongAdder> counters = new ConcurrentHashMap<>();

	/** Counters dropped at the last take, taken once more at the next. */
	private List<LongAdderOf> retired = List.of();

	private record LongAdderOf(Cell cell, LongAdder adder) {
	}

	DecisionCounts(Clock clock) {
		this.clock = clock;
	}

	/** Counts one decision in the current minute. */
	void add(String feature, String outcome, String code) {
		long minute = Math.floorDiv(clock.instant().getEpochSecond(), 60L) * 60;
		counters.computeIfAbsent(new Cell(minute, feature, outcome, code), cell -> new LongAdder()).increment();
	}

	/**
	 * Takes every count made since the last take, resetting the counters; the answer
	 * holds no zero counts.
	 */
	synchronized List<Count> take() {
		long stale = Math.floorDiv(clock.instant().getEpochSecond(), 60L) * 60 - 120;
		var taken = new ArrayList<Count>();
		for (var old : retired) {
			long count = old.adder().sumThenReset();
			if (count != 0) {
				taken.add(new Count(old.cell(), count));
			}
		}
		var nowRetired = new ArrayList<LongAdderOf>();
		for (var entry : counters.entrySet()) {
			var cell = entry.getKey();
			var adder = entry.getValue();
			if (cell.minute() < stale && counters.remove(cell, adder)) {
				nowRetired.add(new LongAdderOf(cell, adder));
			}
			long count = adder.sumThenReset();
			if (count != 0) {
				taken.add(new Count(cell, count));
			}
		}
		retired = nowRetired;
		return taken;
	}

	/** Gives back counts taken that could not be stored, for the next take. */
	void giveBack(List<Count> counts) {
		for (var count : counts) {
			counters.computeIfAbsent(count.cell(), cell -> new LongAdder()).add(count.count());
		}
	}

	/** How many counters are held: bounded by the minutes kept times the combinations. */
	int size() {
		return counters.size();
	}

}

package dev.plangate.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs measurements in rounds, each once a round, interleaved, so that a baseline and
 * what is compared with it see the same conditions. Other processes on the machine can
 * only slow a run down, so the best of its rounds is the closest to what the machine does
 * alone.
 */
final class Rounds {

	private Rounds() {
	}

	/** Each measurement's results, one a round. */
	static <T> List<List<T>> interleave(int rounds, List<Supplier<T>> measurements) {
		var results = new ArrayList<List<T>>();
		measurements.forEach(m -> results.add(new ArrayList<>()));
		for (int round = 0; round < rounds; round++) {
			for (int i = 0; i < measurements.size(); i++) {
				results.get(i).add(measurements.get(i).get());
			}
		}
		return results;
	}

	/** The run with the most successful calls a second. */
	static Result fastest(List<Result> runs) {
		return runs.stream().max(Comparator.comparingDouble(Result::throughput)).orElseThrow();
	}

}

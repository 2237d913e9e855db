package dev.plangate.bench;

import java.io.PrintStream;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import dev.plangate.enforcement.DecisionCostBenchmark;

/**
 * The in-process cost of a decision in the embedded store (JMH, in a forked JVM of its
 * own). Iterations are short so that the whole bench stays within minutes; JMH's error
 * column says how far to trust them.
 */
final class JmhSection {

	private static final String BASELINE = "baselineMapCompute";

	void run(PrintStream out) throws RunnerException {
		var options = new OptionsBuilder().include(DecisionCostBenchmark.class.getName())
			.forks(1)
			.warmupIterations(2)
			.warmupTime(TimeValue.seconds(1))
			.measurementIterations(3)
			.measurementTime(TimeValue.seconds(1))
			.verbosity(VerboseMode.SILENT)
			.build();
		Map<String, RunResult> results = new TreeMap<>(
				Comparator.comparing((String name) -> !name.equals(BASELINE)).thenComparing(Comparator.naturalOrder()));
		for (var result : new Runner(options).run()) {
			String method = result.getParams().getBenchmark();
			results.put(method.substring(method.lastIndexOf('.') + 1), result);
		}
		double baseline = results.get(BASELINE).getPrimaryResult().getScore();
		out.println("== In-process decision cost, embedded store, one hot key (JMH, average time)");
		var table = new Table("benchmark", "ns/op", "+-", "x baseline", "threads");
		results.forEach((name, result) -> {
			var score = result.getPrimaryResult();
			table.row(name, String.format("%.1f", score.getScore()), String.format("%.1f", score.getScoreError()),
					Table.ratio(score.getScore() / baseline), String.valueOf(result.getParams().getThreads()));
		});
		table.print(out);
	}

}

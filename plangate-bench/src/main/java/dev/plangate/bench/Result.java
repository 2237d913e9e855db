package dev.plangate.bench;

import java.time.Duration;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/** What one measured run did: successful calls, their latencies, and failures. */
record Result(String name, double seconds, Histogram latencies, long failures, @Nullable String firstFailure) {

	static Result of(String name, Duration duration, List<Load.Worker> workers) {
		var latencies = new Histogram(3);
		long failures = 0;
		String firstFailure = null;
		for (var worker : workers) {
			latencies.add(worker.latencies);
			failures += worker.failures;
			firstFailure = firstFailure == null ? worker.firstFailure : firstFailure;
		}
		return new Result(name, duration.toNanos() / 1e9, latencies, failures, firstFailure);
	}

	/** Successful calls per second. */
	double throughput() {
		return latencies.getTotalCount() / seconds;
	}

	double p50Millis() {
		return latencies.getValueAtPercentile(50) / 1000.0;
	}

	double p99Millis() {
		return latencies.getValueAtPercentile(99) / 1000.0;
	}

}

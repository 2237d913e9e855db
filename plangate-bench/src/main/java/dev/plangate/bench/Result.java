package dev.plangate.bench;

import java.time.Duration;
import java.util.List;

import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * What one measured run did: successful calls, their latencies, failures, and the CPU
 * time this process (server and load generator) spent meanwhile.
 */
record Result(String name, double seconds, Histogram latencies, long failures, @Nullable String firstFailure,
		long cpuNanos) {

	static Result of(String name, Duration duration, List<Load.Worker> workers, long cpuNanos) {
		var latencies = new Histogram(3);
		long failures = 0;
		String firstFailure = null;
		for (var worker : workers) {
			latencies.add(worker.latencies);
			failures += worker.failures;
			firstFailure = firstFailure == null ? worker.firstFailure : firstFailure;
		}
		return new Result(name, duration.toNanos() / 1e9, latencies, failures, firstFailure, cpuNanos);
	}

	/** Successful calls per second (none in a run that measured nothing). */
	double throughput() {
		return seconds == 0 ? 0 : latencies.getTotalCount() / seconds;
	}

	/**
	 * CPU microseconds of this process per successful call: less sensitive than
	 * throughput to other processes taking cores, and blind to work done in PostgreSQL
	 * and Redis.
	 */
	double cpuMicros() {
		return cpuNanos / 1000.0 / latencies.getTotalCount();
	}

	double p50Millis() {
		return latencies.getValueAtPercentile(50) / 1000.0;
	}

	double p99Millis() {
		return latencies.getValueAtPercentile(99) / 1000.0;
	}

}

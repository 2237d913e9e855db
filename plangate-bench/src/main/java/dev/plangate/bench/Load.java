package dev.plangate.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

import org.HdrHistogram.Histogram;
import org.jspecify.annotations.Nullable;

/**
 * Drives calls from a number of threads for a warm-up and then a measured duration, and
 * records each measured call's latency. Closed loop: each thread calls again as soon as
 * its call returns (the peak rate). Open loop: calls are due at a fixed rate whatever the
 * answers' pace, and latency counts from when a call was due, so that a stalled server is
 * not hidden by the load generator waiting for it (coordinated omission).
 */
final class Load {

	/**
	 * Latencies are kept in microseconds, up to a minute, to three significant digits.
	 */
	private static final long MAX_MICROS = 60_000_000;

	private static final AtomicLong CALLS = new AtomicLong();

	private Load() {
	}

	/** One thread's way of making calls. */
	interface Caller extends AutoCloseable {

		/**
		 * Makes a call; {@code n} is unique in this process, across threads and runs, so
		 * that it can make ids that must not repeat.
		 * @return null when it succeeded, else what went wrong
		 */
		@Nullable String call(long n) throws Exception;

		@Override
		default void close() {
		}

	}

	/** As many calls as the threads can make. */
	static Result closed(String name, int threads, Duration warmup, Duration duration, Supplier<Caller> callers,
			Profiler profiler) {
		return run(name, threads, warmup, duration, callers, 0, profiler);
	}

	/** Calls due at {@code perSecond}, spread over the threads. */
	static Result open(String name, int threads, double perSecond, Duration warmup, Duration duration,
			Supplier<Caller> callers, Profiler profiler) {
		return run(name, threads, warmup, duration, callers, (long) (1e9 / perSecond), profiler);
	}

	private static Result run(String name, int threads, Duration warmup, Duration duration, Supplier<Caller> callers,
			long intervalNanos, Profiler profiler) {
		long start = System.nanoTime() + 10_000_000;
		long measureFrom = start + warmup.toNanos();
		long end = measureFrom + duration.toNanos();
		var sequence = new AtomicLong();
		var workers = new ArrayList<Worker>();
		for (int i = 0; i < threads; i++) {
			var worker = new Worker(callers.get(), sequence, start, measureFrom, end, intervalNanos);
			workers.add(worker);
			worker.thread.start();
		}
		long cpuFrom = processCpuAt(measureFrom);
		var profile = profiler.start(name);
		long cpuTo = processCpuAt(end);
		profile.stop();
		var result = Result.of(name, duration, join(workers), cpuTo - cpuFrom);
		profile.print();
		return result;
	}

	/**
	 * The bench's CPU time (all its threads, server's and load's, and the separate server
	 * process's if there is one) once it is {@code nanoTime}.
	 */
	private static long processCpuAt(long nanoTime) {
		LockSupport.parkNanos(nanoTime - System.nanoTime());
		return CpuShare.benchCpuNanos();
	}

	private static List<Worker> join(List<Worker> workers) {
		for (var worker : workers) {
			try {
				worker.thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for the load to finish", ex);
			}
		}
		return workers;
	}

	/** One thread's calls and what it measured. */
	static final class Worker {

		final Histogram latencies = new Histogram(MAX_MICROS, 3);

		long failures;

		@Nullable String firstFailure;

		private final Thread thread;

		private Worker(Caller caller, AtomicLong sequence, long start, long measureFrom, long end, long interval) {
			this.thread = new Thread(() -> {
				try (caller) {
					loop(caller, sequence, start, measureFrom, end, interval);
				}
			}, "bench-load");
		}

		private void loop(Caller caller, AtomicLong sequence, long start, long measureFrom, long end, long interval) {
			LockSupport.parkNanos(start - System.nanoTime());
			while (true) {
				long slot = sequence.getAndIncrement();
				long due = interval == 0 ? System.nanoTime() : start + slot * interval;
				if (due >= end) {
					return;
				}
				LockSupport.parkNanos(due - System.nanoTime());
				String failure;
				try {
					failure = caller.call(CALLS.getAndIncrement());
				}
				catch (Exception ex) {
					failure = ex.toString();
				}
				if (due < measureFrom) {
					continue;
				}
				if (failure == null) {
					latencies.recordValue(Math.min(MAX_MICROS, (System.nanoTime() - due) / 1000));
				}
				else {
					failures++;
					firstFailure = firstFailure == null ? failure : firstFailure;
				}
			}
		}

	}

}

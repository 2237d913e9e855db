package com.example.reports;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Service;

import dev.plangate.spring.ConcurrencyLimited;

/**
 * Runs exports, each holding one of the customer's concurrent jobs while it runs: the
 * annotation works on services as on controllers.
 */
@Service
public class Exports {

	private final AtomicInteger running = new AtomicInteger();

	private final AtomicInteger mostAtOnce = new AtomicInteger();

	@ConcurrencyLimited("concurrent_jobs")
	public Map<String, Object> run(long millis) throws InterruptedException {
		mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
		try {
			Thread.sleep(millis);
			return Map.of("status", "done", "tookMillis", millis);
		}
		finally {
			running.decrementAndGet();
		}
	}

	/** The most exports that have run at once. */
	public int mostAtOnce() {
		return mostAtOnce.get();
	}

}

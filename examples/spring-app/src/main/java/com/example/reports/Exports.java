package com.example.reports;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.stereotype.Service;

import dev.plangate.spring.ConcurrencyLimited;
import dev.plangate.spring.Consumes;
import dev.plangate.spring.CustomerId;

/**
 * Runs exports, each holding one of the customer's concurrent jobs while it runs: the
 * annotation works on services as on controllers.
 */
@Service
public class Exports {

	private final AtomicInteger running = new AtomicInteger();

	private final AtomicInteger mostAtOnce = new AtomicInteger();

	@ConcurrencyLimited("concurrent_jobs")
	@Consumes(feature = "api_calls")
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

	/**
	 * An export started by a scheduled job rather than a request: the customer is the
	 * parameter marked {@link CustomerId}.
	 */
	@ConcurrencyLimited("concurrent_jobs")
	public Map<String, Object> runScheduled(@CustomerId String customer) throws InterruptedException {
		return run(0);
	}

	/** The exports running now. */
	public int running() {
		return running.get();
	}

	/** The most exports that have run at once. */
	public int mostAtOnce() {
		return mostAtOnce.get();
	}

}

package dev.plangate.enforcement;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Adds this node's {@link DecisionCounts} to the database every
 * {@code plangate.decision-stats.flush-interval}, in one batched upsert, and once more at
 * shutdown, after the web server has stopped taking decisions. Counts that could not be
 * stored go back to memory for the next flush.
 */
@Component
class DecisionCountFlusher implements SmartLifecycle {

	private static final Logger log = LoggerFactory.getLogger(DecisionCountFlusher.class);

	private final DecisionCounts counts;

	private final DecisionCountRepository repository;

	private final DecisionStatsSettings settings;

	private volatile @Nullable ScheduledExecutorService timer;

	DecisionCountFlusher(DecisionCounts counts, DecisionCountRepository repository, DecisionStatsSettings settings) {
		this.counts = counts;
		this.repository = repository;
		this.settings = settings;
	}

	/** Stores the counts made since the last flush; answers how many rows it added to. */
	synchronized int flush() {
		var taken = counts.take();
		if (taken.isEmpty()) {
			return 0;
		}
		try {
			repository.add(taken);
			return taken.size();
		}
		catch (RuntimeException ex) {
			counts.giveBack(taken);
			throw ex;
		}
	}

	private void flushOnSchedule() {
		try {
			flush();
		}
		catch (RuntimeException ex) {
			log.warn("Could not store the decision counts; they are kept for the next try: {}", ex.toString());
		}
	}

	@Override
	public void start() {
		var executor = Executors.newSingleThreadScheduledExecutor(task -> {
			var thread = new Thread(task, "decision-counts");
			thread.setDaemon(true);
			return thread;
		});
		long every = settings.flushInterval().toMillis();
		executor.scheduleWithFixedDelay(this::flushOnSchedule, every, every, TimeUnit.MILLISECONDS);
		timer = executor;
	}

	@Override
	public void stop() {
		var executor = timer;
		timer = null;
		if (executor != null) {
			executor.shutdown();
			try {
				executor.awaitTermination(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		flushOnSchedule();
	}

	@Override
	public boolean isRunning() {
		return timer != null;
	}

	/** Stops after the web server (which stops at {@code DEFAULT_PHASE - 2048}). */
	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE - 4096;
	}

}

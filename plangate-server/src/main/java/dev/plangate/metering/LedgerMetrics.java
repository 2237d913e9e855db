package dev.plangate.metering;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The usage ledger's group commit on this node: requests waiting for the writer, and each
 * commit's time and size (docs/operations.md).
 */
@Component
class LedgerMetrics {

	private final MeterRegistry registry;

	private final Timer commit;

	private final DistributionSummary events;

	LedgerMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.commit = Timer.builder("plangate.ledger.commit")
			.description("One group commit of the usage ledger: deciding and writing a batch in one transaction")
			.publishPercentileHistogram()
			.register(registry);
		this.events = DistributionSummary.builder("plangate.ledger.commit.events")
			.description("Usage events carried by one group commit of the usage ledger")
			.register(registry);
	}

	/** Publishes the requests waiting in the writers' queues, all together. */
	void queues(List<? extends Collection<?>> queues) {
		Gauge.builder("plangate.ledger.queue.depth", queues, all -> all.stream().mapToInt(Collection::size).sum())
			.description("Requests waiting for the usage ledger's writers on this node")
			.register(registry);
	}

	/** A commit of {@code eventCount} events ended, {@code startNanos} after it began. */
	void committed(int eventCount, long startNanos) {
		commit.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
		events.record(eventCount);
	}

}

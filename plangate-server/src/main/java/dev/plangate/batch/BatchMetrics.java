package dev.plangate.batch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * The batch queue's metrics, for Prometheus ({@code /actuator/prometheus}) and the admin
 * stats endpoint. Counts by state and queue depth come from the database (shared by every
 * node), refreshed by the scheduler; timings, outcomes and active workers are this
 * node's.
 */
@Component
class BatchMetrics {

	/** A worker counts as active for this long after its last poll or report. */
	static final Duration ACTIVE_WINDOW = Duration.ofSeconds(60);

	private final BatchRepository repository;

	private final OperationRepository operationRepository;

	private final Clock clock;

	private final Map<BatchStatus, Long> byStatus = new EnumMap<>(BatchStatus.class);

	private volatile List<OperationRepository.Depth> depth = List.of();

	private final Map<String, Instant> workersSeen = new ConcurrentHashMap<>();

	private final MultiGauge depthGauge;

	private final Timer queueWait;

	private final Timer operationDuration;

	private final Map<String, Counter> outcomes = new ConcurrentHashMap<>();

	private final MeterRegistry registry;

	BatchMetrics(BatchRepository repository, OperationRepository operationRepository, Clock clock,
			MeterRegistry registry, EventSubscribers subscribers) {
		this.repository = repository;
		this.operationRepository = operationRepository;
		this.clock = clock;
		this.registry = registry;
		for (var status : BatchStatus.values()) {
			byStatus.put(status, 0L);
			Gauge.builder("plangate.batches", byStatus, m -> m.get(status))
				.description("Batches by state, in the whole system")
				.tag("status", status.id())
				.register(registry);
		}
		this.depthGauge = MultiGauge.builder("plangate.batch.queue.depth")
			.description("Operations ready to be dispatched, by region and priority")
			.register(registry);
		for (var transport : List.of("sse", "websocket")) {
			Gauge.builder("plangate.live.connections", subscribers, s -> s.size(transport))
				.description("Live batch event streams open on this node, by transport")
				.tag("transport", transport)
				.register(registry);
		}
		Gauge.builder("plangate.batch.workers.active", this, m -> m.activeWorkers())
			.description("Workers that polled or reported to this node in the last minute")
			.register(registry);
		this.queueWait = Timer.builder("plangate.batch.queue.wait")
			.description("From submission to processing")
			.publishPercentiles(0.5, 0.99)
			.publishPercentileHistogram()
			.register(registry);
		this.operationDuration = Timer.builder("plangate.batch.operation.duration")
			.description("One attempt of an operation, from dispatch to its report")
			.publishPercentiles(0.5, 0.99)
			.publishPercentileHistogram()
			.register(registry);
	}

	/** Reads the counts shared by every node again. */
	void refresh() {
		var counts = repository.countByStatus();
		for (var status : BatchStatus.values()) {
			byStatus.put(status, counts.getOrDefault(status.id(), 0L));
		}
		depth = operationRepository.readyDepth();
		depthGauge.register(depth.stream()
			.map(d -> MultiGauge.Row.of(Tags.of("region", d.region(), "priority", String.valueOf(d.priority())),
					d.ready()))
			.toList(), true);
		var horizon = clock.instant().minus(ACTIVE_WINDOW);
		workersSeen.values().removeIf(seen -> seen.isBefore(horizon));
	}

	void workerSeen(String workerId) {
		workersSeen.put(workerId, clock.instant());
	}

	int activeWorkers() {
		var horizon = clock.instant().minus(ACTIVE_WINDOW);
		return (int) workersSeen.values().stream().filter(seen -> seen.isAfter(horizon)).count();
	}

	void admitted(Batch batch, Instant at) {
		queueWait.record(Duration.between(batch.submittedAt(), at));
	}

	/**
	 * An attempt ended: {@code succeeded}, {@code failed}, {@code retried} or
	 * {@code lease_expired}.
	 */
	void attemptEnded(String outcome, Operation operation, Instant at) {
		attemptEnded(outcome, operation.startedAt(), at);
	}

	void attemptEnded(String outcome, @Nullable Instant startedAt, Instant at) {
		outcomes
			.computeIfAbsent(outcome,
					o -> Counter.builder("plangate.batch.operations")
						.description("Operation attempts by outcome")
						.tag("outcome", o)
						.register(registry))
			.increment();
		if (startedAt != null) {
			operationDuration.record(Duration.between(startedAt, at));
		}
	}

	/** What the admin stats endpoint shows. */
	Map<String, Object> snapshot() {
		var batches = new LinkedHashMap<String, Long>();
		byStatus.forEach((status, n) -> batches.put(status.id(), n));
		var attempts = new LinkedHashMap<String, Long>();
		outcomes.forEach((outcome, counter) -> attempts.put(outcome, (long) counter.count()));
		var view = new LinkedHashMap<String, Object>();
		view.put("batches", batches);
		view.put("queueDepth", new ArrayList<>(depth));
		view.put("activeWorkers", activeWorkers());
		view.put("attemptsOnThisNode", attempts);
		view.put("queueWaitMillis", percentiles(queueWait));
		view.put("operationMillis", percentiles(operationDuration));
		return view;
	}

	private static Map<String, Double> percentiles(Timer timer) {
		var values = new LinkedHashMap<String, Double>();
		values.put("count", (double) timer.count());
		for (var p : timer.takeSnapshot().percentileValues()) {
			values.put("p" + Math.round(p.percentile() * 100), p.value(TimeUnit.MILLISECONDS));
		}
		return values;
	}

}

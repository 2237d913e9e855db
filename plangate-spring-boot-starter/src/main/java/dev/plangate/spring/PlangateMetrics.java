package dev.plangate.spring;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import dev.plangate.client.Plangate;
import dev.plangate.client.PlangateStatus.StreamState;

/**
 * The Plangate client's meters, read from its {@link Plangate#status()}:
 * <ul>
 * <li>{@code plangate.client.decisions} (counter, tag {@code source}: {@code remote} or
 * {@code local}): checks and consumes answered by the server, or in process;</li>
 * <li>{@code plangate.client.track.pending} (gauge): tracked usage events not yet
 * recorded;</li>
 * <li>{@code plangate.client.track.failed} (counter): tracked events handed to the
 * failure handler, never to be recorded;</li>
 * <li>{@code plangate.client.stream.state} (gauge, tag {@code state}: {@code off},
 * {@code connecting}, {@code live}, {@code down}): 1 for the entitlement stream's current
 * state, 0 for the others.</li>
 * </ul>
 */
public class PlangateMetrics implements MeterBinder {

	private final Plangate plangate;

	public PlangateMetrics(Plangate plangate) {
		this.plangate = plangate;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		FunctionCounter.builder("plangate.client.decisions", plangate, p -> p.status().remoteDecisions())
			.description("Checks and consumes answered by the Plangate server")
			.tag("source", "remote")
			.register(registry);
		FunctionCounter.builder("plangate.client.decisions", plangate, p -> p.status().localDecisions())
			.description("Checks and consumes answered in this process")
			.tag("source", "local")
			.register(registry);
		Gauge.builder("plangate.client.track.pending", plangate, p -> p.status().trackPending())
			.description("Tracked usage events not yet recorded by Plangate")
			.baseUnit("events")
			.register(registry);
		FunctionCounter.builder("plangate.client.track.failed", plangate, p -> p.status().trackFailed())
			.description("Tracked usage events that will not be recorded (handed to the failure handler)")
			.baseUnit("events")
			.register(registry);
		for (var state : StreamState.values()) {
			Gauge.builder("plangate.client.stream.state", plangate, p -> p.status().stream() == state ? 1 : 0)
				.description("1 for the entitlement stream's current state, 0 for the others")
				.tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
				.register(registry);
		}
	}

}

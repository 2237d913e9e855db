package dev.plangate.spring;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

import dev.plangate.client.Plangate;

/**
 * The Plangate client's health, from its {@link Plangate#status()} and without a request:
 * down when its entitlement stream has been cut for longer than its staleness bound; the
 * details tell the stream's state and the decisions and tracked events counted.
 */
public class PlangateHealthIndicator extends AbstractHealthIndicator {

	private final Plangate plangate;

	public PlangateHealthIndicator(Plangate plangate) {
		super("Plangate client health check failed");
		this.plangate = plangate;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		var status = plangate.status();
		(status.healthy() ? builder.up() : builder.down()).withDetail("stream", status.stream().name())
			.withDetail("remoteDecisions", status.remoteDecisions())
			.withDetail("localDecisions", status.localDecisions())
			.withDetail("trackPending", status.trackPending())
			.withDetail("trackFailed", status.trackFailed());
		if (status.lastStreamEvent() != null) {
			builder.withDetail("lastStreamEvent", status.lastStreamEvent().toString());
		}
	}

}

package dev.plangate.client;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * How a {@link Plangate} client is doing, for a health check or metrics: where its
 * answers came from, the state of its entitlement stream and of its usage buffer. The
 * counters run from the client's start.
 *
 * @param stream the state of the stream keeping local answers current
 * @param lastStreamEvent when the stream last said anything (an event or a keep-alive),
 * or null if never
 * @param remoteDecisions checks and consumes answered by the server
 * @param localDecisions checks and consumes answered in this process
 * @param trackPending tracked events not yet recorded
 * @param trackFailed tracked events handed to the failure handler
 */
public record PlangateStatus(StreamState stream, @Nullable Instant lastStreamEvent, long remoteDecisions,
		long localDecisions, long trackPending, long trackFailed) {

	/** The state of the entitlement stream. */
	public enum StreamState {

		/** Local evaluation is off: every decision asks the server. */
		OFF,

		/**
		 * Connecting, or reconnecting after a cut: decisions ask the server meanwhile.
		 */
		CONNECTING,

		/** Connected and current: switches and settings are answered in process. */
		LIVE,

		/** Cut off for longer than the staleness bound: decisions ask the server. */
		DOWN

	}

	/** Whether the client is healthy: its stream, if on, is live or reconnecting. */
	public boolean healthy() {
		return stream != StreamState.DOWN;
	}

}

package dev.plangate.client;

import java.util.List;

/**
 * Told of tracked usage events that Plangate will not record, so that none is lost
 * without a word: events the server refused (an unknown customer or feature, a timestamp
 * in a closed period; the server names each, and the rest of their request is sent again
 * without them), a request refused as a whole (a revoked key), and events still unsent
 * when {@link Plangate#close()} ran out of time. The default logs each event at ERROR; a
 * product may write them somewhere to send again later. Called on the tracking thread:
 * keep it short.
 */
@FunctionalInterface
public interface TrackFailureHandler {

	/**
	 * @param events the events not recorded
	 * @param cause why: the server's problem, or the failure to reach it
	 */
	void failed(List<UsageEvent> events, PlangateException cause);

}

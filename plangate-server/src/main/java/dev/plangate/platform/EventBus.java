package dev.plangate.platform;

import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Short messages that wake the nodes of a cluster: "look now", never the news itself. A
 * message published on a topic reaches the listeners of that topic on every node
 * subscribed at the time, the publishing node included, at most once and possibly not at
 * all (a node cut off from Redis misses what is published meanwhile). What must not be
 * lost or reordered lives in the database; whoever listens also looks there on a slow
 * timer, so a lost message only delays.
 *
 * <p>
 * Listeners run on the bus's own thread and must return quickly.
 */
public interface EventBus {

	/** Topic names: lower-case letters, digits, dots, dashes and underscores. */
	Pattern TOPIC = Pattern.compile("[a-z0-9][a-z0-9._-]{0,99}");

	/**
	 * Sends {@code message} to the topic's listeners; never throws for a lost message.
	 */
	void publish(String topic, String message);

	/** Calls {@code listener} with every message published on the topic from now on. */
	Subscription subscribe(String topic, Consumer<String> listener);

	/** A listener's place on a topic; closing it stops the messages. */
	interface Subscription extends AutoCloseable {

		@Override
		void close();

	}

	/** The topic, or an {@link IllegalArgumentException} naming it. */
	static String checkTopic(String topic) {
		if (!TOPIC.matcher(topic).matches()) {
			throw new IllegalArgumentException("'" + topic + "' is not a topic name (" + TOPIC.pattern() + ")");
		}
		return topic;
	}

}

package dev.plangate.platform;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event bus of one process (the embedded mode): a message reaches this node's
 * listeners at once, on the publishing thread, and no other node.
 */
public final class LocalEventBus implements EventBus {

	private static final Logger log = LoggerFactory.getLogger(LocalEventBus.class);

	private final Map<String, CopyOnWriteArrayList<Consumer<String>>> listeners = new ConcurrentHashMap<>();

	@Override
	public void publish(String topic, String message) {
		EventBus.checkTopic(topic);
		Objects.requireNonNull(message, "message");
		deliver(topic, message);
	}

	/** Hands a message to this process's listeners of the topic, each on its own. */
	void deliver(String topic, String message) {
		var subscribed = listeners.get(topic);
		if (subscribed == null) {
			return;
		}
		for (var listener : subscribed) {
			try {
				listener.accept(message);
			}
			catch (RuntimeException ex) {
				log.warn("A listener of topic '{}' failed", topic, ex);
			}
		}
	}

	@Override
	public Subscription subscribe(String topic, Consumer<String> listener) {
		EventBus.checkTopic(topic);
		Objects.requireNonNull(listener, "listener");
		// a wrapper of its own, so that the same listener subscribed twice is removed
		// once
		Consumer<String> entry = listener::accept;
		listeners.computeIfAbsent(topic, t -> new CopyOnWriteArrayList<>()).add(entry);
		return () -> listeners.getOrDefault(topic, new CopyOnWriteArrayList<>()).remove(entry);
	}

}

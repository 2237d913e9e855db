package dev.plangate.platform;

import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;

/**
 * The event bus of a cluster, on Redis pub/sub: a topic is the channel
 * {@code <namespace>:<topic>}, so that deployments (or test runs) sharing a Redis do not
 * hear each other. This node's own listeners get its messages at once, without the round
 * trip; each message carries the id of the node that sent it, so that its echo from Redis
 * is not delivered twice.
 *
 * <p>
 * Redis pub/sub keeps nothing: a node whose subscription connection is down (Lettuce
 * reconnects and subscribes again by itself) misses what is published meanwhile, and a
 * publish that fails is logged and dropped.
 */
public final class RedisEventBus implements EventBus, AutoCloseable {

	private static final Logger log = LoggerFactory.getLogger(RedisEventBus.class);

	private final RedisClient client;

	private final StatefulRedisConnection<String, String> publisher;

	private final StatefulRedisPubSubConnection<String, String> subscriber;

	private final String prefix;

	private final String node = UUID.randomUUID().toString();

	private final LocalEventBus local = new LocalEventBus();

	private final Set<String> channels = ConcurrentHashMap.newKeySet();

	/** Whether the last publish failed, so that a Redis outage is logged once. */
	private final AtomicBoolean failing = new AtomicBoolean();

	public RedisEventBus(String url, String namespace) {
		if (namespace.isBlank() || namespace.chars().anyMatch(Character::isWhitespace)) {
			throw new IllegalArgumentException("'" + namespace + "' is not an event bus namespace");
		}
		this.prefix = namespace + ":";
		this.client = RedisClient.create(url);
		this.publisher = client.connect();
		this.subscriber = client.connectPubSub();
		subscriber.addListener(new RedisPubSubAdapter<>() {
			@Override
			public void message(String channel, String message) {
				received(channel, message);
			}
		});
	}

	@Override
	public void publish(String topic, String message) {
		EventBus.checkTopic(topic);
		Objects.requireNonNull(message, "message");
		local.deliver(topic, message);
		try {
			publisher.async().publish(prefix + topic, node + " " + message).whenComplete((receivers, ex) -> {
				if (ex == null) {
					if (failing.compareAndSet(true, false)) {
						log.info("Publishing to Redis works again");
					}
				}
				else if (failing.compareAndSet(false, true)) {
					log.warn("Publishing to Redis failed; other nodes notice changes on their next look instead", ex);
				}
			});
		}
		catch (RuntimeException ex) {
			if (failing.compareAndSet(false, true)) {
				log.warn("Publishing to Redis failed; other nodes notice changes on their next look instead", ex);
			}
		}
	}

	@Override
	public Subscription subscribe(String topic, Consumer<String> listener) {
		var subscription = local.subscribe(topic, listener);
		if (channels.add(topic)) {
			try {
				subscriber.async().subscribe(prefix + topic).get(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				channels.remove(topic);
				subscription.close();
				if (ex instanceof InterruptedException) {
					Thread.currentThread().interrupt();
				}
				throw new IllegalStateException("Could not subscribe to Redis channel " + prefix + topic, ex);
			}
		}
		return subscription;
	}

	private void received(String channel, String message) {
		if (!channel.startsWith(prefix)) {
			return;
		}
		int space = message.indexOf(' ');
		if (space < 0 || message.substring(0, space).equals(node)) {
			return;
		}
		local.deliver(channel.substring(prefix.length()), message.substring(space + 1));
	}

	@Override
	public void close() {
		subscriber.close();
		publisher.close();
		client.shutdown();
	}

}

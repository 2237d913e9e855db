package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract on a real Redis (PLANGATE_REDIS_URL, else the machine's Redis on
 * 127.0.0.1:6379), and what only a bus between processes does: two buses of one namespace
 * are two nodes of one cluster. A Redis that cannot be reached fails these tests; they
 * are never skipped.
 */
class RedisEventBusTest extends EventBusContract {

	static final String URL = System.getenv().getOrDefault("PLANGATE_REDIS_URL", "redis://127.0.0.1:6379");

	/** This run's own namespace: runs sharing the Redis do not hear each other. */
	static final String NAMESPACE = "plangate-test-" + UUID.randomUUID();

	private static RedisEventBus node;

	private static RedisEventBus otherNode;

	@BeforeAll
	static void connect() {
		node = new RedisEventBus(URL, NAMESPACE);
		otherNode = new RedisEventBus(URL, NAMESPACE);
	}

	@AfterAll
	static void disconnect() {
		node.close();
		otherNode.close();
	}

	@Override
	EventBus bus() {
		return node;
	}

	@Test
	void aMessageReachesEveryNodeOfTheNamespaceOnceEach() {
		// given
		var topic = topic();
		var here = new CopyOnWriteArrayList<String>();
		var there = new CopyOnWriteArrayList<String>();
		try (var a = node.subscribe(topic, here::add); var b = otherNode.subscribe(topic, there::add)) {

			// when
			node.publish(topic, "from the first node");
			otherNode.publish(topic, "from the second node");
			// each node's echoes from Redis come before these, which both nodes get from
			// Redis
			node.publish(topic, "end of the first");
			otherNode.publish(topic, "end of the second");
			eventually().until(() -> here.contains("end of the second") && there.contains("end of the first"));

			// then: each node hears its own messages once, not again as Redis echoes them
			var all = new String[] { "from the first node", "from the second node", "end of the first",
					"end of the second" };
			assertThat(here).containsExactlyInAnyOrder(all);
			assertThat(there).containsExactlyInAnyOrder(all);
		}
	}

	@Test
	void nodesOfAnotherNamespaceDoNotHear() {
		// given
		var topic = topic();
		var received = new CopyOnWriteArrayList<String>();
		var heard = new CopyOnWriteArrayList<String>();
		try (var stranger = new RedisEventBus(URL, NAMESPACE + "-other");
				var strangers = stranger.subscribe(topic, received::add);
				var ours = otherNode.subscribe(topic, heard::add)) {

			// when: once Redis has passed our message on, the stranger sends one
			node.publish(topic, "not for strangers");
			eventually().until(() -> heard.contains("not for strangers"));
			stranger.publish(topic, "marker");
			eventually().until(() -> received.contains("marker"));

			// then
			assertThat(received).containsExactly("marker");
			assertThat(heard).containsExactly("not for strangers");
		}
	}

	@Test
	void rejectsANamespaceThatIsBlankOrHasSpaces() {
		for (var bad : new String[] { "", " ", "a b" }) {
			assertThatIllegalArgumentException().isThrownBy(() -> new RedisEventBus(URL, bad))
				.withMessageContaining("'" + bad + "'");
		}
	}

}

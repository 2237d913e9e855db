package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.Test;

/**
 * What every event bus must do, whatever carries its messages. One subclass per bus. Each
 * test uses topics of its own, so that tests sharing a bus do not hear each other.
 */
abstract class EventBusContract {

	/** The bus under test: one node's. */
	abstract EventBus bus();

	static String topic() {
		return "test." + UUID.randomUUID();
	}

	static ConditionFactory eventually() {
		return Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20));
	}

	/**
	 * Publishes a last message on {@code topic} and waits until {@code received} has it:
	 * one publisher's messages arrive in order, so whatever was to arrive before it has.
	 */
	void settle(String topic, List<String> received) {
		var marker = "marker-" + UUID.randomUUID();
		bus().publish(topic, marker);
		eventually().until(() -> received.contains(marker));
		received.remove(marker);
	}

	@Test
	void deliversAMessageToEveryListenerOfItsTopic() {
		// given
		var topic = topic();
		var first = new CopyOnWriteArrayList<String>();
		var second = new CopyOnWriteArrayList<String>();
		try (var a = bus().subscribe(topic, first::add); var b = bus().subscribe(topic, second::add)) {

			// when
			bus().publish(topic, "hello");

			// then
			eventually().until(() -> first.contains("hello") && second.contains("hello"));
		}
	}

	@Test
	void deliversEachMessageOnceInTheOrderPublished() {
		// given
		var topic = topic();
		var received = new CopyOnWriteArrayList<String>();
		try (var subscription = bus().subscribe(topic, received::add)) {

			// when
			for (int i = 0; i < 50; i++) {
				bus().publish(topic, String.valueOf(i));
			}
			settle(topic, received);

			// then
			assertThat(received)
				.containsExactly(IntStream.range(0, 50).mapToObj(String::valueOf).toArray(String[]::new));
		}
	}

	@Test
	void doesNotDeliverToListenersOfAnotherTopic() {
		// given
		var topic = topic();
		var other = topic();
		var received = new CopyOnWriteArrayList<String>();
		var elsewhere = new CopyOnWriteArrayList<String>();
		try (var a = bus().subscribe(topic, received::add); var b = bus().subscribe(other, elsewhere::add)) {

			// when
			bus().publish(topic, "for the first topic");
			settle(topic, received);

			// then
			assertThat(received).containsExactly("for the first topic");
			assertThat(elsewhere).isEmpty();
		}
	}

	@Test
	void keepsAMessagesTextAsItWas() {
		// given
		var topic = topic();
		var received = new CopyOnWriteArrayList<String>();
		var texts = List.of("", " leading and trailing ", "{\"batchId\":\"b 1\",\"seq\":42}", "Grüße, 日本語, emoji 🚀",
				"two\nlines");
		try (var subscription = bus().subscribe(topic, received::add)) {

			// when
			texts.forEach(text -> bus().publish(topic, text));
			settle(topic, received);

			// then
			assertThat(received).containsExactlyElementsOf(texts);
		}
	}

	@Test
	void aClosedSubscriptionGetsNoMoreMessages() {
		// given
		var topic = topic();
		var closed = new CopyOnWriteArrayList<String>();
		var open = new CopyOnWriteArrayList<String>();
		var subscription = bus().subscribe(topic, closed::add);
		try (var still = bus().subscribe(topic, open::add)) {
			bus().publish(topic, "before");
			settle(topic, open);

			// when
			subscription.close();
			bus().publish(topic, "after");
			settle(topic, open);

			// then
			assertThat(closed).contains("before").doesNotContain("after");
			assertThat(open).containsExactly("before", "after");
		}
	}

	@Test
	void aFailingListenerDoesNotKeepTheMessageFromOthers() {
		// given
		var topic = topic();
		var received = new CopyOnWriteArrayList<String>();
		try (var failing = bus().subscribe(topic, message -> {
			throw new IllegalStateException("listener broken");
		}); var working = bus().subscribe(topic, received::add)) {

			// when
			bus().publish(topic, "still delivered");

			// then
			eventually().until(() -> received.contains("still delivered"));
		}
	}

	@Test
	void publishingOnATopicNobodyListensToIsHarmless() {
		bus().publish(topic(), "nobody hears this");
	}

	@Test
	void rejectsATopicThatIsNotANameNamingIt() {
		for (var bad : List.of("", "Upper", "with space", "a:b", "x".repeat(101))) {
			assertThatIllegalArgumentException().isThrownBy(() -> bus().publish(bad, "m"))
				.withMessageContaining("'" + bad + "'");
			assertThatIllegalArgumentException().isThrownBy(() -> bus().subscribe(bad, m -> {
			})).withMessageContaining("'" + bad + "'");
		}
	}

}

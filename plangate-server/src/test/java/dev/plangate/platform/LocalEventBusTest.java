package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

/** The contract in one process, and that one process is all it reaches. */
class LocalEventBusTest extends EventBusContract {

	private final LocalEventBus bus = new LocalEventBus();

	@Override
	EventBus bus() {
		return bus;
	}

	@Test
	void deliversBeforePublishReturns() {
		// given
		var topic = topic();
		var received = new CopyOnWriteArrayList<String>();
		bus.subscribe(topic, received::add);

		// when
		bus.publish(topic, "now");

		// then
		assertThat(received).containsExactly("now");
	}

	@Test
	void anotherProcesssBusDoesNotHear() {
		// given
		var topic = topic();
		var elsewhere = new LocalEventBus();
		var received = new CopyOnWriteArrayList<String>();
		elsewhere.subscribe(topic, received::add);

		// when
		bus.publish(topic, "here only");

		// then
		assertThat(received).isEmpty();
	}

}

package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.platform.EventBus;
import dev.plangate.support.FreshSchema;

/**
 * Live subscribers each have a queue of their own, of {@code subscriber-queue} (5 here)
 * events: a subscriber that does not keep up holds up nobody else, and once it is that
 * far behind it is disconnected, saying where to resume, and misses nothing when it does.
 */
@FreshSchema
class BatchSlowSubscriberTest extends BatchTestSupport {

	@DynamicPropertySource
	static void settings(DynamicPropertyRegistry registry) {
		configure(registry, "batch_slow_subscriber", null,
				Map.of("system-concurrency", "100", "tick", "100ms", "subscriber-queue", "5"));
	}

	@Autowired
	private BatchEventStream stream;

	@Autowired
	private EventBus bus;

	/** A subscriber that takes every event at once. */
	static final class Keeping implements BatchEventStream.Sink {

		final List<BatchEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public String transport() {
			return "sse";
		}

		@Override
		public boolean send(BatchEvent event) {
			events.add(event);
			return true;
		}

		@Override
		public boolean keepAlive() {
			return true;
		}

		@Override
		public void close() {
		}

		@Override
		public void tooSlow(long lastSeq) {
			throw new AssertionError("a subscriber that keeps up was called too slow at " + lastSeq);
		}

		List<Long> seqs() {
			return events.stream().map(BatchEvent::seq).toList();
		}

	}

	/**
	 * A subscriber stuck on the first event it is sent until {@link #release}, like a
	 * client that stopped reading.
	 */
	static final class Stuck implements BatchEventStream.Sink {

		final CountDownLatch release = new CountDownLatch(1);

		final List<BatchEvent> events = new CopyOnWriteArrayList<>();

		final AtomicLong tooSlowAfter = new AtomicLong(-1);

		@Override
		public String transport() {
			return "sse";
		}

		@Override
		public boolean send(BatchEvent event) {
			try {
				release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			events.add(event);
			return true;
		}

		@Override
		public boolean keepAlive() {
			return true;
		}

		@Override
		public void close() {
		}

		@Override
		public void tooSlow(long lastSeq) {
			tooSlowAfter.set(lastSeq);
		}

	}

	/** Submits {@code n} batches of one operation for the customer. */
	private void submitBatches(String customer, int n) {
		for (int i = 0; i < n; i++) {
			submit(batch(customer, "slow-subscriber", operations(1)));
		}
	}

	/**
	 * Submits {@code n} batches of one operation for the customer, each once the one
	 * before has reached {@code keeping} both queued and admitted: the two events of one
	 * submission are fewer than a subscriber's queue holds, so a subscriber that keeps up
	 * is never too slow, however the machine schedules the threads (a scheduler that
	 * lagged would otherwise admit several batches in one burst), while one that stops
	 * reading falls behind.
	 */
	private void submitBatches(String customer, int n, Keeping keeping) {
		for (int i = 0; i < n; i++) {
			long queued = count(keeping, "batch.queued");
			long processing = count(keeping, "batch.processing");
			submit(batch(customer, "slow-subscriber", operations(1)));
			eventually().until(
					() -> count(keeping, "batch.queued") > queued && count(keeping, "batch.processing") > processing);
		}
	}

	private static long count(Keeping subscriber, String type) {
		return subscriber.events.stream().filter(e -> e.type().equals(type)).count();
	}

	@Test
	void aSubscriberThatStopsReadingHoldsUpNobodyAndIsDisconnectedSayingWhereToResume() {
		// given: two subscribers of one customer's events, one of which stops reading
		var customer = customerOn("free");
		var stuck = new Stuck();
		var keeping = new Keeping();
		stream.subscribe(customer, null, 0, stuck);
		stream.subscribe(customer, null, 0, keeping);

		// when: more events come than the stuck one's queue holds
		submitBatches(customer, 8, keeping);

		// then: the other gets them all while the stuck one is still stuck
		eventually().until(() -> count(keeping, "batch.queued") == 8);
		assertThat(stuck.events).isEmpty();
		assertThat(keeping.seqs()).isSorted().doesNotHaveDuplicates();

		// and when it reads again, it is told it fell behind, after the one it was sent
		stuck.release.countDown();
		eventually().until(() -> stuck.tooSlowAfter.get() >= 0);
		assertThat(stuck.events).hasSize(1);
		assertThat(stuck.tooSlowAfter.get()).isEqualTo(stuck.events.get(0).seq());
		assertThat(stuck.tooSlowAfter.get()).isEqualTo(keeping.seqs().get(0));
	}

	@Test
	void aSubscriberDisconnectedForFallingBehindMissesNothingWhenItResumes() {
		// given: a subscriber disconnected for falling behind
		var customer = customerOn("free");
		var stuck = new Stuck();
		var keeping = new Keeping();
		stream.subscribe(customer, null, 0, stuck);
		stream.subscribe(customer, null, 0, keeping);
		submitBatches(customer, 8, keeping);
		eventually().until(() -> count(keeping, "batch.queued") == 8);
		stuck.release.countDown();
		eventually().until(() -> stuck.tooSlowAfter.get() >= 0);

		// when: it resumes after the last event it got
		var resumed = new Keeping();
		stream.subscribe(customer, null, stuck.tooSlowAfter.get(), resumed);
		submitBatches(customer, 1);

		// then: it gets every later event, once each, in order
		eventually().until(() -> count(resumed, "batch.queued") == 8);
		eventually().untilAsserted(() -> {
			var got = resumed.seqs();
			var all = keeping.seqs();
			assertThat(all.size()).isGreaterThan(got.size());
			assertThat(got).isEqualTo(all.subList(1, 1 + got.size()));
		});
	}

	@Test
	void aNoticeThatIsNotOneIsIgnored() {
		// given
		var customer = customerOn("free");
		var keeping = new Keeping();
		stream.subscribe(customer, null, 0, keeping);

		// when
		for (var bad : List.of("", "not json", "{\"seq\":\"x\"}", "{\"batchId\":\"nope\",\"customerId\":\"c\"}",
				"[]")) {
			bus.publish(EventNotices.TOPIC, bad);
		}
		submitBatches(customer, 1);

		// then: events still flow
		eventually().until(() -> keeping.events.stream().anyMatch(e -> e.type().equals("batch.queued")));
	}

}

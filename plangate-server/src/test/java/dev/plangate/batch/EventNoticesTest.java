package dev.plangate.batch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.plangate.platform.EventBus;

/**
 * The notices of a transaction's batch events: published once it commits, those of
 * several batches in one message, which a node reads back as each batch's notice.
 */
class EventNoticesTest {

	private final List<String> published = new CopyOnWriteArrayList<>();

	private final EventNotices notices = new EventNotices(new EventBus() {
		@Override
		public void publish(String topic, String message) {
			assertThat(topic).isEqualTo(EventNotices.TOPIC);
			published.add(message);
		}

		@Override
		public Subscription subscribe(String topic, Consumer<String> listener) {
			throw new UnsupportedOperationException();
		}
	});

	@AfterEach
	void endTransaction() {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.clearSynchronization();
		}
	}

	/** Runs {@code writes} as a transaction would, then commits it. */
	private void committed(Runnable writes) {
		TransactionSynchronizationManager.initSynchronization();
		writes.run();
		var synchronizations = TransactionSynchronizationManager.getSynchronizations();
		synchronizations.forEach(TransactionSynchronization::afterCommit);
		synchronizations.forEach(s -> s.afterCompletion(TransactionSynchronization.STATUS_COMMITTED));
		TransactionSynchronizationManager.clearSynchronization();
	}

	@Test
	void aTransactionsNoticesOfSeveralBatchesGoInOneMessage() {
		// given
		var first = UUID.randomUUID();
		var second = UUID.randomUUID();

		// when
		committed(() -> {
			notices.written(first, "c1", 7);
			notices.written(second, "c2", 8);
			notices.written(first, "c1", 9);
			assertThat(published).as("nothing is told before the commit").isEmpty();
		});

		// then
		assertThat(published).hasSize(1);
		assertThat(EventNotices.Notice.parseAll(published.get(0)))
			.containsExactly(new EventNotices.Notice(first, "c1", 9), new EventNotices.Notice(second, "c2", 8));
	}

	@Test
	void oneBatchsNoticeIsOneObjectAsBefore() {
		// given
		var batch = UUID.randomUUID();

		// when
		committed(() -> notices.written(batch, "c1", 3));

		// then
		assertThat(published).hasSize(1);
		assertThat(EventNotices.Notice.parse(published.get(0))).isEqualTo(new EventNotices.Notice(batch, "c1", 3));
		assertThat(EventNotices.Notice.parseAll(published.get(0)))
			.containsExactly(new EventNotices.Notice(batch, "c1", 3));
	}

	@Test
	void whatIsNotANoticeHoldsNone() {
		for (var bad : List.of("", "not json", "{\"seq\":\"x\"}", "[]", "[{\"seq\":1}]", "[1,2]", "[")) {
			assertThat(EventNotices.Notice.parseAll(bad)).as(bad).isEmpty();
		}
	}

}

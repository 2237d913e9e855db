package dev.plangate.batch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.plangate.platform.EventBus;
import dev.plangate.platform.StoredJson;

/**
 * Tells every node that batch events were written, once the transaction that wrote them
 * has committed: one small notice per batch, with the highest event number written (those
 * of one transaction together, in one message), so that each node's
 * {@link BatchEventStream} reads the table at once instead of on its next look. The table
 * stays the truth; a lost notice only delays.
 */
@Component
class EventNotices {

	static final String TOPIC = "batch.events";

	/**
	 * A batch's events up to {@code seq} are written.
	 */
	record Notice(UUID batchId, String customerId, long seq) {

		/** The notice in {@code message}, or null when it is not one. */
		static @Nullable Notice parse(String message) {
			try {
				return valid(StoredJson.read(message, Notice.class));
			}
			catch (RuntimeException ex) {
				return null;
			}
		}

		/**
		 * The notices in {@code message}: one, or several a transaction wrote together (a
		 * JSON array); none when it holds none.
		 */
		static List<Notice> parseAll(String message) {
			if (!message.startsWith("[")) {
				var notice = parse(message);
				return notice == null ? List.of() : List.of(notice);
			}
			try {
				var notices = new ArrayList<Notice>();
				for (var notice : StoredJson.read(message, Notice[].class)) {
					if (valid(notice) != null) {
						notices.add(notice);
					}
				}
				return notices;
			}
			catch (RuntimeException ex) {
				return List.of();
			}
		}

		private static @Nullable Notice valid(@Nullable Notice notice) {
			return notice == null || notice.batchId() == null || notice.customerId() == null ? null : notice;
		}

	}

	private final EventBus bus;

	EventNotices(EventBus bus) {
		this.bus = bus;
	}

	/** An event was written in the current transaction (or, outside one, just now). */
	void written(UUID batchId, String customerId, long seq) {
		if (!TransactionSynchronizationManager.isSynchronizationActive()) {
			publish(new Notice(batchId, customerId, seq));
			return;
		}
		@SuppressWarnings("unchecked")
		var pending = (Map<UUID, Notice>) TransactionSynchronizationManager.getResource(this);
		if (pending == null) {
			var notices = new LinkedHashMap<UUID, Notice>();
			pending = notices;
			TransactionSynchronizationManager.bindResource(this, notices);
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					publishAll(notices.values());
				}

				@Override
				public void afterCompletion(int status) {
					TransactionSynchronizationManager.unbindResourceIfPossible(EventNotices.this);
				}
			});
		}
		pending.merge(batchId, new Notice(batchId, customerId, seq), (a, b) -> a.seq() >= b.seq() ? a : b);
	}

	private void publish(Notice notice) {
		bus.publish(TOPIC, StoredJson.write(notice));
	}

	/**
	 * A transaction's notices, of however many batches, in one message: a poll or a
	 * completion that touched several batches publishes once.
	 */
	private void publishAll(Collection<Notice> notices) {
		if (notices.size() == 1) {
			publish(notices.iterator().next());
		}
		else if (!notices.isEmpty()) {
			bus.publish(TOPIC, StoredJson.write(notices));
		}
	}

}

package dev.plangate.batch;

import java.util.LinkedHashMap;
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
 * has committed: one small notice per batch, with the highest event number written, so
 * that each node's {@link BatchEventStream} reads the table at once instead of on its
 * next look. The table stays the truth; a lost notice only delays.
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
				var notice = StoredJson.read(message, Notice.class);
				return notice.batchId() == null || notice.customerId() == null ? null : notice;
			}
			catch (RuntimeException ex) {
				return null;
			}
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
					notices.values().forEach(EventNotices.this::publish);
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

}

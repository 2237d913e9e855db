package dev.plangate.batch;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.plangate.platform.EventBus;

/**
 * Wakes waiting workers when operations become ready, on every node (through the
 * {@link EventBus}), and this node's scheduler when a batch ends, once the transaction
 * that did it has committed. A wake-up the bus loses costs a waiting worker no more than
 * its next look at the queue, a fraction of a second later.
 */
@Component
class ReadySignal implements SmartLifecycle {

	/** Operations became ready somewhere in the cluster. */
	static final String TOPIC = "batch.ready";

	/** Marks a transaction that has signalled already. */
	private final Object publishing = new Object();

	private final EventBus bus;

	private EventBus.@Nullable Subscription subscription;

	private final Object operations = new Object();

	private final Object batches = new Object();

	private long operationsVersion;

	private long batchesVersion;

	ReadySignal(EventBus bus) {
		this.bus = bus;
	}

	/**
	 * Operations became ready: every node's waiting workers are woken once the
	 * transaction commits, however many times it signals.
	 */
	void signal() {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			if (!TransactionSynchronizationManager.hasResource(publishing)) {
				TransactionSynchronizationManager.bindResource(publishing, Boolean.TRUE);
				TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
					@Override
					public void afterCommit() {
						bus.publish(TOPIC, "ready");
					}

					@Override
					public void afterCompletion(int status) {
						TransactionSynchronizationManager.unbindResourceIfPossible(publishing);
					}
				});
			}
		}
		else {
			bus.publish(TOPIC, "ready");
		}
	}

	/** Wakes this node's waiting workers. */
	private void operationsReady(String message) {
		synchronized (operations) {
			operationsVersion++;
			operations.notifyAll();
		}
	}

	/** A batch ended: a processing slot is free. */
	void batchEnded() {
		afterCommit(() -> {
			synchronized (batches) {
				batchesVersion++;
				batches.notifyAll();
			}
		});
	}

	long operationsVersion() {
		synchronized (operations) {
			return operationsVersion;
		}
	}

	/**
	 * Waits until operations are signalled after {@code seen}, or {@code timeout} passes.
	 */
	void awaitOperations(long seen, Duration timeout) throws InterruptedException {
		long until = System.nanoTime() + timeout.toNanos();
		synchronized (operations) {
			long left;
			while (operationsVersion == seen && (left = until - System.nanoTime()) > 0) {
				operations.wait(Math.max(1, left / 1_000_000));
			}
		}
	}

	long batchesVersion() {
		synchronized (batches) {
			return batchesVersion;
		}
	}

	void awaitBatches(long seen, Duration timeout) throws InterruptedException {
		long until = System.nanoTime() + timeout.toNanos();
		synchronized (batches) {
			long left;
			while (batchesVersion == seen && (left = until - System.nanoTime()) > 0) {
				batches.wait(Math.max(1, left / 1_000_000));
			}
		}
	}

	private static void afterCommit(Runnable action) {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					action.run();
				}
			});
		}
		else {
			action.run();
		}
	}

	@Override
	public void start() {
		subscription = bus.subscribe(TOPIC, this::operationsReady);
	}

	@Override
	public void stop() {
		if (subscription != null) {
			subscription.close();
			subscription = null;
		}
	}

	@Override
	public boolean isRunning() {
		return subscription != null;
	}

}

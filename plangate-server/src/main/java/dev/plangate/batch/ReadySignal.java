package dev.plangate.batch;

import java.time.Duration;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wakes this node's waiting workers when operations become ready, and its scheduler when
 * a batch ends, once the transaction that did it has committed. Other nodes notice on
 * their next look, a fraction of a second later.
 */
@Component
class ReadySignal {

	private final Object operations = new Object();

	private final Object batches = new Object();

	private long operationsVersion;

	private long batchesVersion;

	/** Operations became ready. */
	void signal() {
		afterCommit(() -> {
			synchronized (operations) {
				operationsVersion++;
				operations.notifyAll();
			}
		});
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

}

package dev.plangate.webhook;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Wakes this node's delivery worker when deliveries were queued, once the transaction
 * that queued them commits (at once outside one), so that they go out without waiting for
 * the next poll.
 */
@Component
class WebhookSignal {

	private final Object signal = new Object();

	private boolean woken;

	/** Wakes the worker after the current transaction commits. */
	void wakeAfterCommit() {
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					wake();
				}
			});
		}
		else {
			wake();
		}
	}

	void wake() {
		synchronized (signal) {
			woken = true;
			signal.notifyAll();
		}
	}

	/** Waits until woken or {@code timeout} passed; answers false when interrupted. */
	boolean await(Duration timeout) {
		synchronized (signal) {
			long deadline = System.nanoTime() + timeout.toNanos();
			try {
				while (!woken) {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						break;
					}
					TimeUnit.NANOSECONDS.timedWait(signal, left);
				}
				return true;
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
			finally {
				woken = false;
			}
		}
	}

}

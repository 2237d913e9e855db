package dev.plangate.batch;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.plangate.customer.CustomerEvents;
import dev.plangate.platform.PlangateException;
import dev.plangate.subscription.SubscriptionEvents;

/**
 * A customer's queued batches follow what happens to the customer, in the transaction
 * that changed it: a suspended customer's are held (not admitted) until it is active
 * again, and a plan change gives them the new plan's priority, cap on batches processing
 * at once and parallelism. Batches already processing keep the terms they were admitted
 * under. A deleted customer's batches queued or processing are cancelled.
 */
@Component
class BatchCustomerChanges {

	private final BatchRepository repository;

	private final BatchPolicy policy;

	private final ReadySignal ready;

	private final BatchLifecycle lifecycle;

	BatchCustomerChanges(BatchRepository repository, BatchPolicy policy, ReadySignal ready, BatchLifecycle lifecycle) {
		this.repository = repository;
		this.lifecycle = lifecycle;
		this.policy = policy;
		this.ready = ready;
	}

	@EventListener
	void on(CustomerEvents.StatusChanged changed) {
		repository.holdQueued(changed.customerId(), !changed.active());
		if (changed.active()) {
			requeue(changed.customerId());
		}
	}

	@EventListener
	void on(CustomerEvents.Deleted deleted) {
		for (var id : repository.queuedOrProcessing(deleted.customerId())) {
			repository.lock(id)
				.filter(b -> b.status() == BatchStatus.QUEUED || b.status() == BatchStatus.PROCESSING)
				.ifPresent(lifecycle::cancel);
		}
	}

	@EventListener
	void on(SubscriptionEvents.Changed changed) {
		requeue(changed.customerId());
	}

	/** Gives the customer's queued batches its plan's terms as they are now. */
	private void requeue(String customerId) {
		BatchPolicy.Limits limits;
		try {
			limits = policy.of(customerId);
		}
		catch (PlangateException ex) {
			// suspended, deleted, without a live subscription or without batches: its
			// queued batches wait as they are
			return;
		}
		if (repository.requeue(customerId, limits.priority(), limits.maxConcurrent(), limits.parallel()) > 0) {
			// a higher cap may let one start now
			ready.batchEnded();
		}
	}

}

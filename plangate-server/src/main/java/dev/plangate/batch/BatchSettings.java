package dev.plangate.batch;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * How batches are limited and scheduled ({@code plangate.batches.*}). Which features
 * govern batches is configuration, so that any catalog can use them; a feature the
 * catalog lacks imposes nothing (docs/batches.md).
 *
 * @param systemConcurrency batches processing at once in the whole system, shared fairly
 * between the customers with work
 * @param maxOperations operations in one batch, whatever the plan says
 * @param defaultRegion where a batch runs when neither it nor its customer names a region
 * @param sizeFeature the feature (a number setting or a limit) whose value caps a batch's
 * operations (402 {@code batch_size_exceeded}, with the cheapest plan allowing it); none
 * when the catalog lacks it
 * @param concurrencyFeature the limit feature capping a customer's batches processing at
 * once; further ones wait {@code queued}, or with {@code failFast} are refused 429
 * {@code concurrency_limit_reached}
 * @param parallelFeature the switch that lets a batch's operations run at once (without
 * it, one after another in order); without the feature in the catalog, they always may
 * @param enabledFeature a switch the plan must grant to submit batches at all (402
 * {@code feature_not_in_plan}); empty: none
 * @param operationTimeout how long one attempt of an operation may run when neither the
 * batch nor the plan says
 * @param operationTimeoutFeature a number setting giving the plan's default seconds for
 * one attempt of an operation (within {@code PLANGATE_BATCHES_MAX_OPERATION_TIMEOUT})
 * @param maxOperationTimeout the longest a batch or plan may let one attempt of an
 * operation run
 * @param batchTimeout how long a batch may run from its start when neither it nor the
 * plan says
 * @param batchTimeoutFeature a number setting giving the plan's default seconds for a
 * batch (within {@code PLANGATE_BATCHES_MAX_BATCH_TIMEOUT})
 * @param maxBatchTimeout the longest a batch or plan may let a batch run
 * @param maxAttempts attempts of an operation when its batch does not say
 * @param maxMaxAttempts the most attempts a batch may ask for
 * @param leaseTtl how long a worker holds an operation without a heartbeat
 * @param retryBase the wait before an operation's first retry; it doubles with each
 * further one (with jitter), up to {@code PLANGATE_BATCHES_RETRY_MAX}
 * @param retryMax the longest wait before a retry
 * @param agingPerLevel how long a queued batch must wait to count as one priority level
 * higher, so that lower tiers are never starved
 * @param tick how often each node admits batches and sweeps leases and deadlines
 * @param eventsPoll how often a node with live subscribers reads the event table when no
 * notice of new events came (the safety net for a notice the event bus lost)
 * @param subscriberQueue events waiting to be sent to one live subscriber; one that falls
 * further behind is disconnected, to resume from the last event it got
 */
@ConfigurationProperties("plangate.batches")
record BatchSettings(@DefaultValue("5") int systemConcurrency, @DefaultValue("10000") int maxOperations,
		@DefaultValue("default") String defaultRegion, @DefaultValue("batch_size") String sizeFeature,
		@DefaultValue("concurrent_batches") String concurrencyFeature,
		@DefaultValue("parallel_batch_processing") String parallelFeature, @DefaultValue("") String enabledFeature,
		@DefaultValue("operation_timeout_seconds") String operationTimeoutFeature,
		@DefaultValue("batch_timeout_seconds") String batchTimeoutFeature,
		@DefaultValue("30s") Duration operationTimeout, @DefaultValue("1h") Duration maxOperationTimeout,
		@DefaultValue("10m") Duration batchTimeout, @DefaultValue("24h") Duration maxBatchTimeout,
		@DefaultValue("3") int maxAttempts, @DefaultValue("10") int maxMaxAttempts,
		@DefaultValue("15s") Duration leaseTtl, @DefaultValue("1s") Duration retryBase,
		@DefaultValue("60s") Duration retryMax, @DefaultValue("1m") Duration agingPerLevel,
		@DefaultValue("500ms") Duration tick, @DefaultValue("1s") Duration eventsPoll,
		@DefaultValue("1000") int subscriberQueue) {

	BatchSettings {
		Settings.atLeast("plangate.batches.system-concurrency", systemConcurrency, 1);
		Settings.atLeast("plangate.batches.max-operations", maxOperations, 1);
		defaultRegion = Settings.notBlank("plangate.batches.default-region", defaultRegion);
		Settings.positive("plangate.batches.max-operation-timeout", maxOperationTimeout);
		Settings.positive("plangate.batches.operation-timeout", operationTimeout);
		Settings.require(operationTimeout.compareTo(maxOperationTimeout) <= 0, "plangate.batches.operation-timeout",
				"must be at most " + Settings.variable("plangate.batches.max-operation-timeout") + " ("
						+ Settings.show(maxOperationTimeout) + "), not " + Settings.show(operationTimeout));
		Settings.positive("plangate.batches.max-batch-timeout", maxBatchTimeout);
		Settings.positive("plangate.batches.batch-timeout", batchTimeout);
		Settings.require(batchTimeout.compareTo(maxBatchTimeout) <= 0, "plangate.batches.batch-timeout",
				"must be at most " + Settings.variable("plangate.batches.max-batch-timeout") + " ("
						+ Settings.show(maxBatchTimeout) + "), not " + Settings.show(batchTimeout));
		Settings.atLeast("plangate.batches.max-max-attempts", maxMaxAttempts, 1);
		Settings.require(maxAttempts >= 1 && maxAttempts <= maxMaxAttempts, "plangate.batches.max-attempts",
				"must be 1 to " + Settings.variable("plangate.batches.max-max-attempts") + " (" + maxMaxAttempts
						+ "), not " + maxAttempts);
		Settings.positive("plangate.batches.lease-ttl", leaseTtl);
		Settings.positive("plangate.batches.retry-base", retryBase);
		Settings.require(retryMax.compareTo(retryBase) >= 0, "plangate.batches.retry-max",
				"must be at least " + Settings.variable("plangate.batches.retry-base") + " (" + Settings.show(retryBase)
						+ "), not " + Settings.show(retryMax));
		Settings.positive("plangate.batches.aging-per-level", agingPerLevel);
		Settings.positive("plangate.batches.tick", tick);
		Settings.positive("plangate.batches.events-poll", eventsPoll);
		Settings.atLeast("plangate.batches.subscriber-queue", subscriberQueue, 1);
	}

}

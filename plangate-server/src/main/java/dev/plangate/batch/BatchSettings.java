package dev.plangate.batch;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How batches are limited and scheduled ({@code plangate.batches.*}).
 *
 * @param systemConcurrency batches processing at once across the whole system
 * @param maxOperations operations in one batch, whatever the plan says
 * @param defaultRegion where a batch runs when neither it nor its customer names a region
 * @param sizeFeature the feature whose value caps a batch's operations (a number setting
 * or a limit); none when the catalog lacks it
 * @param concurrencyFeature the feature whose limit caps a customer's batches processing
 * at once
 * @param parallelFeature the switch that lets a batch's operations run at once; without
 * the feature in the catalog, they always may
 * @param enabledFeature a switch the plan must grant to submit batches at all; blank:
 * none
 * @param operationTimeoutFeature a number setting giving the plan's default seconds for
 * one attempt of an operation (within {@code maxOperationTimeout})
 * @param batchTimeoutFeature a number setting giving the plan's default seconds for a
 * batch (within {@code maxBatchTimeout})
 * @param leaseTtl how long a worker holds an operation without a heartbeat
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
}

/**
 * The Java client for Plangate. {@link dev.plangate.client.Plangate} is the entry point
 * for a product's backend, with a server key: customers, subscriptions, entitlements,
 * check and consume, usage tracking (batched, in the background), concurrency leases,
 * grants and batches, each answer a record and each failure a typed
 * {@link dev.plangate.client.PlangateException}; its
 * {@link dev.plangate.client.Plangate#reports()} are the usage history, alerts, event log
 * and webhook endpoint calls ({@link dev.plangate.client.PlangateClient}).
 * {@link dev.plangate.client.PlangateWorker} runs a product's batch operations: it polls
 * the worker API, runs the handler registered for each operation's type, heartbeats while
 * it runs, and reports the outcome.
 */
@NullMarked
package dev.plangate.client;

import org.jspecify.annotations.NullMarked;

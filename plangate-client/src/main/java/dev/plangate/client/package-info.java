/**
 * The Java client for Plangate. {@link dev.plangate.client.PlangateWorker} runs a
 * product's batch operations: it polls the worker API, runs the handler registered for
 * each operation's type, heartbeats while it runs, and reports the outcome.
 * {@link dev.plangate.client.PlangateClient} makes a backend's calls with a server key:
 * usage history, usage alerts, the event log and webhook endpoints.
 */
@NullMarked
package dev.plangate.client;

import org.jspecify.annotations.NullMarked;

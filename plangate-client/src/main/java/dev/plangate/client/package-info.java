/**
 * The Java client for Plangate. {@link dev.plangate.client.PlangateWorker} runs a
 * product's batch operations: it polls the worker API, runs the handler registered for
 * each operation's type, heartbeats while it runs, and reports the outcome.
 */
@NullMarked
package dev.plangate.client;

import org.jspecify.annotations.NullMarked;

/**
 * The benchmark: the server's paths against baselines measured in the same process and
 * run.
 */
@org.jspecify.annotations.NullMarked
package dev.plangate.bench;

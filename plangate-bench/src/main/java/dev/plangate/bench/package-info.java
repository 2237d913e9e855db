/**
 * The benchmark: the server's paths against baselines measured in the same process and
 * run.
 */
@NullMarked
package dev.plangate.bench;

import org.jspecify.annotations.NullMarked;

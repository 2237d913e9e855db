/**
 * Tier-aware batch processing: a product submits batches of operations for its customers,
 * its own workers run them; Plangate queues them durably, admits them under the plan's
 * caps, dispatches fairly by priority, retries, times out, rolls back and reports
 * progress.
 */
@NullMarked
package dev.plangate.batch;

import org.jspecify.annotations.NullMarked;

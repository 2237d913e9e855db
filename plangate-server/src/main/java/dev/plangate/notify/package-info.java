/**
 * Outbound email: a durable outbox written in the caller's transaction, sent in the
 * background through a {@link dev.plangate.notify.Mailer} (the log, or SMTP), retried
 * with backoff.
 */
@NullMarked
package dev.plangate.notify;

import org.jspecify.annotations.NullMarked;

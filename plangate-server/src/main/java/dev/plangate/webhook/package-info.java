/**
 * What happened, told to whoever needs it: the event log that every module writes to in
 * its own transactions ({@link dev.plangate.platform.OutboundEvent}), and its delivery to
 * webhook endpoints.
 */
@NullMarked
package dev.plangate.webhook;

import org.jspecify.annotations.NullMarked;

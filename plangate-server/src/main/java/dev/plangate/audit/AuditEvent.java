package dev.plangate.audit;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/** One entry of the audit log. */
public record AuditEvent(long id, Instant occurredAt, String actor, @Nullable String ip, String action,
		String targetType, String targetId, @Nullable Object before, @Nullable Object after) {
}

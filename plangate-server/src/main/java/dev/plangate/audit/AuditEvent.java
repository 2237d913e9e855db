package dev.plangate.audit;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * One entry of the audit log.
 *
 * @param impersonatedBy the operator ({@code account:<id>}) who viewed as {@code actor}
 * when it was done under an impersonation token; null otherwise
 */
public record AuditEvent(long id, Instant occurredAt, String actor, @Nullable String ip, String action,
		String targetType, String targetId, @Nullable Object before, @Nullable Object after,
		@Nullable String impersonatedBy) {
}

package dev.plangate.notify;

import java.time.Instant;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/** A row of the outbox. */
record OutboxMail(UUID id, long seq, String to, String subject, @Nullable String text, @Nullable String html,
		String status, int attempts, Instant nextAttemptAt, @Nullable String lastError, Instant createdAt,
		@Nullable Instant sentAt, @Nullable Instant failedAt) {

	static final String PENDING = "pending";

	static final String SENDING = "sending";

	static final String SENT = "sent";

	static final String FAILED = "failed";

}

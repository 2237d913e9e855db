package dev.plangate.notify;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.jspecify.annotations.Nullable;

/**
 * A row of the outbox: its texts only where the transport keeps them
 * ({@link MailOutbox#get}).
 */
public record OutboxMail(UUID id, long seq, String to, String subject, @Nullable String text, @Nullable String html,
		String status, int attempts, Instant nextAttemptAt, @Nullable String lastError, Instant createdAt,
		@Nullable Instant sentAt, @Nullable Instant failedAt) {

	static final String PENDING = "pending";

	static final String SENDING = "sending";

	static final String SENT = "sent";

	static final String FAILED = "failed";

	/** Every status, in a mail's order: waiting, being sent, then one of the two ends. */
	public static final List<String> STATUSES = List.of(PENDING, SENDING, SENT, FAILED);

}

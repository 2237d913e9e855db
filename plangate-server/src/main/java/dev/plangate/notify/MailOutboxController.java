package dev.plangate.notify;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.plangate.audit.AuditLog;
import dev.plangate.platform.Page;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

@RestController
@RequestMapping("/v1/admin/mail-outbox")
@Tag(name = "Mail outbox")
class MailOutboxController {

	private final MailOutbox outbox;

	private final AuditLog auditLog;

	MailOutboxController(MailOutbox outbox, AuditLog auditLog) {
		this.outbox = outbox;
		this.auditLog = auditLog;
	}

	/**
	 * @param text only with transport {@code log}, until the retention ends; never in a
	 * list
	 * @param html the HTML part, where the mail has one: shown like the text
	 * @param nextAttemptAt while pending: when it is tried next
	 */
	record MailView(UUID id, String to, String subject, @Nullable String text, @Nullable String html, String status,
			int attempts, @Nullable String lastError, Instant createdAt, @Nullable Instant nextAttemptAt,
			@Nullable Instant sentAt, @Nullable Instant failedAt) {

		static MailView of(OutboxMail m, boolean withText) {
			return new MailView(m.id(), m.to(), m.subject(), withText ? m.text() : null, withText ? m.html() : null,
					m.status(), m.attempts(), m.lastError(), m.createdAt(),
					OutboxMail.PENDING.equals(m.status()) ? m.nextAttemptAt() : null, m.sentAt(), m.failedAt());
		}
	}

	@GetMapping
	@Operation(operationId = "listOutboxMails", summary = "List the mail outbox, newest first",
			description = "Mails waiting, sent and failed, kept for `plangate.mail.outbox-retention`. `to` filters "
					+ "by recipient, `status` by status: `pending` (waiting, or retried after a refusal), `sending`, "
					+ "`sent` or `failed`. Texts are not listed: read one mail. Pass `nextCursor` as `cursor`.")
	Page<MailView> list(@RequestParam(required = false) @Nullable @Size(min = 1, max = 320) String to,
			@RequestParam(required = false) @Nullable @Pattern(regexp = "pending|sending|sent|failed",
					message = "must be 'pending', 'sending', 'sent' or 'failed'") String status,
			@RequestParam(required = false) @Nullable @Min(1) Long cursor,
			@RequestParam(defaultValue = "50") @Min(1) @Max(200) int limit) {
		var page = outbox.list(to, status, cursor, limit);
		return new Page<>(page.data().stream().map(m -> MailView.of(m, false)).toList(), page.nextCursor());
	}

	@GetMapping("/{id}")
	@Operation(operationId = "getOutboxMail", summary = "Read one mail of the outbox",
			description = "With its text when the transport is `log` (the embedded default: mail goes nowhere "
					+ "else), so a verification or reset link can be followed. Over SMTP the text is erased once "
					+ "the mail is sent or has failed, and never shown. Reading a text is audited.")
	MailView get(@PathVariable UUID id) {
		var mail = outbox.get(id);
		if (mail.text() != null || mail.html() != null) {
			auditLog.record("mail.text_read", "mail", id.toString(), null, Map.of("to", mail.to()));
		}
		return MailView.of(mail, true);
	}

}

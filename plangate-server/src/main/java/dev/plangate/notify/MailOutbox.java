package dev.plangate.notify;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.plangate.platform.ErrorCode;
import dev.plangate.platform.Page;
import dev.plangate.platform.PlangateException;

/**
 * Sends email, durably and in the background. {@link #send} writes the mail to the outbox
 * in the caller's transaction, if there is one, so the mail goes if and only if the
 * change that sends it commits; it returns at once and never waits for the mail server.
 */
@Service
public class MailOutbox {

	private final MailRepository repository;

	private final MailDispatcher dispatcher;

	private final Mailer mailer;

	private final MailTemplates templates;

	private final Clock clock;

	MailOutbox(MailRepository repository, MailDispatcher dispatcher, Mailer mailer, MailTemplates templates,
			Clock clock) {
		this.repository = repository;
		this.dispatcher = dispatcher;
		this.mailer = mailer;
		this.templates = templates;
		this.clock = clock;
	}

	/**
	 * Queues the mail of the templates {@code template}.txt and .html (docs/mail.md),
	 * rendered for {@code to} with {@code variables}, as {@link #send(Mail)} does.
	 * @throws IllegalStateException when a built-in template cannot be rendered: nothing
	 * is queued (one of {@code plangate.mail.templates} that fails is replaced by the
	 * built-in one)
	 */
	public UUID send(String to, String template, Map<String, ?> variables) {
		return send(templates.render(to, template, variables));
	}

	/**
	 * Queues {@code mail}; answers its id in the outbox. Sent soon after the current
	 * transaction commits (at once when there is none), retried while the mail server
	 * refuses it.
	 */
	public UUID send(Mail mail) {
		var id = UUID.randomUUID();
		repository.insert(id, mail, clock.instant());
		if (TransactionSynchronizationManager.isSynchronizationActive()) {
			TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
				@Override
				public void afterCommit() {
					dispatcher.wake();
				}
			});
		}
		else {
			dispatcher.wake();
		}
		return id;
	}

	/** A mail of the outbox; its texts only where the transport keeps them. */
	public OutboxMail get(UUID id) {
		return repository.find(id)
			.map(this::shown)
			.orElseThrow(() -> PlangateException.notFound(ErrorCode.MAIL_NOT_FOUND, "Mail", id.toString()));
	}

	/**
	 * Newest first, filtered by recipient and by status (one of
	 * {@link OutboxMail#STATUSES}) when given; the texts as {@link #get} has them.
	 */
	public Page<OutboxMail> list(@Nullable String to, @Nullable String status, @Nullable Long cursor, int limit) {
		if (status != null && !OutboxMail.STATUSES.contains(status)) {
			throw new IllegalArgumentException("Unknown mail status '" + status + "'");
		}
		List<OutboxMail> rows = repository.list(to, status, cursor, limit).stream().map(this::shown).toList();
		String next = rows.size() > limit ? String.valueOf(rows.get(limit - 1).seq()) : null;
		return new Page<>(rows.subList(0, Math.min(limit, rows.size())), next);
	}

	/** Whether the outbox shows mails' texts: only when they went nowhere but the log. */
	public boolean showsText() {
		return mailer.keepsText();
	}

	private OutboxMail shown(OutboxMail mail) {
		return showsText() ? mail
				: new OutboxMail(mail.id(), mail.seq(), mail.to(), mail.subject(), null, null, mail.status(),
						mail.attempts(), mail.nextAttemptAt(), mail.lastError(), mail.createdAt(), mail.sentAt(),
						mail.failedAt());
	}

}

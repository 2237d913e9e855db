package dev.plangate.notify;

import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default: a mail is "sent" by a log line naming it, never showing its text
 * (which may hold a token). The text is read at the outbox endpoint.
 */
class LogMailer implements Mailer {

	private static final Logger log = LoggerFactory.getLogger(LogMailer.class);

	@Override
	public void send(UUID id, Mail mail) {
		log.info("Mail {} to {}: \"{}\" (transport 'log': the text is at GET /v1/admin/mail-outbox/{})", id, mail.to(),
				mail.subject(), id);
	}

	@Override
	public boolean keepsText() {
		return true;
	}

}

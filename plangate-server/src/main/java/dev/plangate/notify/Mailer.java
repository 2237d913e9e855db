package dev.plangate.notify;

import java.util.UUID;

/**
 * Hands one mail over for delivery: to the log (the embedded default) or to an SMTP
 * server. Throws when the mail was not accepted; the outbox retries it.
 */
interface Mailer {

	void send(UUID id, Mail mail);

	/**
	 * Whether a sent mail's text stays in the outbox (until the retention ends) so that
	 * it can be read there: only where it went nowhere else.
	 */
	boolean keepsText();

}

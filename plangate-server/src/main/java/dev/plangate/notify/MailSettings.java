package dev.plangate.notify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * How mail is sent ({@code plangate.mail.*}); the SMTP server itself is
 * {@code spring.mail.*}.
 *
 * @param transport outbound email: {@code log} writes one line per mail (never its text)
 * and keeps the text at {@code GET /v1/admin/mail-outbox/{id}}; {@code smtp} sends
 * through the SMTP server ({@code PLANGATE_SMTP_*}). See docs/mail.md
 * @param from the sender of outbound email, with or without a display name
 * @param maxAttempts attempts of one mail before it is marked failed for good
 * @param retryBase the wait after a first failed attempt; it doubles with each further
 * one (with jitter), up to {@code PLANGATE_MAIL_RETRY_MAX}
 * @param retryMax the longest wait between two attempts of one mail
 * @param pollInterval how often a node looks for mail due that nobody woke it for
 * (written by another node, retries, left by a crash)
 * @param concurrency mails one node sends at once
 * @param claimTimeout how long a node holds a mail it is sending; past it, the mail is
 * sent again (by any node). Longer than the SMTP timeouts together.
 * @param outboxRetention how long a sent or failed mail stays in the outbox (with its
 * text, in log mode)
 * @param shutdownTimeout how long stopping waits for the mails being sent
 * @param templates a folder of mail templates replacing the built-in ones of the same
 * name ({@code verify-email.txt}, {@code verify-email.html}, …; docs/mail.md); empty for
 * the built-in ones only. It must exist at start-up.
 */
@ConfigurationProperties("plangate.mail")
record MailSettings(@DefaultValue("log") String transport, @DefaultValue("Plangate <no-reply@localhost>") String from,
		@DefaultValue("8") int maxAttempts, @DefaultValue("5s") Duration retryBase,
		@DefaultValue("30m") Duration retryMax, @DefaultValue("1s") Duration pollInterval,
		@DefaultValue("2") int concurrency, @DefaultValue("2m") Duration claimTimeout,
		@DefaultValue("24h") Duration outboxRetention, @DefaultValue("30s") Duration shutdownTimeout,
		@DefaultValue("") String templates) {

	MailSettings {
		transport = Settings.oneOf("plangate.mail.transport", transport, "log", "smtp");
		fromAddress(from);
		Settings.between("plangate.mail.max-attempts", maxAttempts, 1, 100);
		Settings.between("plangate.mail.concurrency", concurrency, 1, 16);
		Settings.positive("plangate.mail.retry-base", retryBase);
		Settings.positive("plangate.mail.retry-max", retryMax);
		Settings.positive("plangate.mail.poll-interval", pollInterval);
		Settings.positive("plangate.mail.claim-timeout", claimTimeout);
		Settings.positive("plangate.mail.outbox-retention", outboxRetention);
		Settings.notNegative("plangate.mail.shutdown-timeout", shutdownTimeout);
		templates = templates.strip();
		Settings.require(templates.isEmpty() || Files.isDirectory(Path.of(templates)), "plangate.mail.templates",
				"names '" + templates + "', which is no folder: create it, or leave the setting empty for the "
						+ "built-in templates");
	}

	/** The folder of templates that replace built-in ones, if one is set. */
	Optional<Path> templatesFolder() {
		return templates.isEmpty() ? Optional.empty() : Optional.of(Path.of(templates));
	}

	boolean smtp() {
		return transport.equals("smtp");
	}

	InternetAddress fromAddress() {
		return fromAddress(from);
	}

	private static InternetAddress fromAddress(String from) {
		try {
			var address = new InternetAddress(from, true);
			address.validate();
			return address;
		}
		catch (AddressException ex) {
			throw Settings.invalid("plangate.mail.from",
					"must be an address such as 'Plangate <no-reply@example.com>', not '" + from + "': "
							+ ex.getMessage());
		}
	}

}

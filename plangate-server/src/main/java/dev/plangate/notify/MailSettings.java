package dev.plangate.notify;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * How mail is sent ({@code plangate.mail.*}); the SMTP server itself is
 * {@code spring.mail.*}.
 *
 * @param transport {@code log} (the embedded default) or {@code smtp}
 * @param from the sender, with or without a display name
 * @param maxAttempts attempts of one mail before it is marked failed for good
 * @param retryBase the wait after a first failed attempt; it doubles with each further
 * one (with jitter), up to {@code retryMax}
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
		transport = transport.trim().toLowerCase(Locale.ROOT);
		if (!transport.equals("log") && !transport.equals("smtp")) {
			throw new IllegalArgumentException(
					"plangate.mail.transport must be 'log' or 'smtp', not '" + transport + "'");
		}
		fromAddress(from);
		if (maxAttempts < 1 || maxAttempts > 100) {
			throw new IllegalArgumentException("plangate.mail.max-attempts must be 1 to 100, not " + maxAttempts);
		}
		if (concurrency < 1 || concurrency > 16) {
			throw new IllegalArgumentException("plangate.mail.concurrency must be 1 to 16, not " + concurrency);
		}
		positive("retry-base", retryBase);
		positive("retry-max", retryMax);
		positive("poll-interval", pollInterval);
		positive("claim-timeout", claimTimeout);
		positive("outbox-retention", outboxRetention);
		templates = templates.trim();
		if (!templates.isEmpty() && !Files.isDirectory(Path.of(templates))) {
			throw new IllegalArgumentException("plangate.mail.templates names '" + templates
					+ "', which is no folder: create it, or leave the setting empty for the built-in templates");
		}
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
			throw new IllegalArgumentException(
					"plangate.mail.from must be an address such as 'Plangate <no-reply@example.com>', not '" + from
							+ "': " + ex.getMessage());
		}
	}

	private static void positive(String name, Duration value) {
		if (value.isNegative() || value.isZero()) {
			throw new IllegalArgumentException("plangate.mail." + name + " must be positive, not " + value);
		}
	}

}

package dev.plangate.notify;

import org.jspecify.annotations.Nullable;

import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;

/**
 * An email to one recipient: plain text, and the same in HTML where there is one. The
 * texts may carry single-use tokens: they are never logged, and never named in an error.
 *
 * @param to a bare address such as {@code ada@example.com}
 * @param subject one line
 * @param text the body, plain text
 * @param html the body as an HTML document, sent beside the text
 * ({@code multipart/alternative}); null for a plain-text mail
 */
public record Mail(String to, String subject, String text, @Nullable String html) {

	/** Longest address SMTP carries (RFC 5321: 64 + 1 + 255). */
	static final int MAX_ADDRESS = 320;

	static final int MAX_SUBJECT = 500;

	static final int MAX_TEXT = 100_000;

	public Mail {
		if (to == null || to.isBlank()) {
			throw new IllegalArgumentException("Mail recipient is required");
		}
		if (to.length() > MAX_ADDRESS || !isAddress(to)) {
			throw new IllegalArgumentException("Mail recipient '" + abbreviate(to) + "' is not an email address");
		}
		if (subject == null || subject.isBlank()) {
			throw new IllegalArgumentException("Mail subject is required");
		}
		if (subject.length() > MAX_SUBJECT || subject.chars().anyMatch(c -> c == '\r' || c == '\n')) {
			throw new IllegalArgumentException(
					"Mail subject must be one line of at most " + MAX_SUBJECT + " characters");
		}
		if (text == null) {
			throw new IllegalArgumentException("Mail text is required");
		}
		if (text.length() > MAX_TEXT) {
			// the text is not quoted: it may hold a token
			throw new IllegalArgumentException("Mail text has " + text.length() + " characters, more than " + MAX_TEXT);
		}
		if (html != null && html.isBlank()) {
			throw new IllegalArgumentException("Mail html, when given, must not be blank");
		}
		if (html != null && html.length() > MAX_TEXT) {
			throw new IllegalArgumentException("Mail html has " + html.length() + " characters, more than " + MAX_TEXT);
		}
	}

	/** A plain-text mail. */
	public Mail(String to, String subject, String text) {
		this(to, subject, text, null);
	}

	/**
	 * A bare address (no display name, no list), valid by RFC 822 rules, with a domain.
	 */
	public static boolean isAddress(String value) {
		try {
			var address = new InternetAddress(value, true);
			address.validate();
			return value.equals(address.getAddress()) && address.getPersonal() == null && value.indexOf('@') > 0
					&& value.indexOf('@') < value.length() - 1 && value.chars().noneMatch(Character::isWhitespace);
		}
		catch (AddressException ex) {
			return false;
		}
	}

	private static String abbreviate(String value) {
		var printable = value.replaceAll("\\p{Cntrl}", "?");
		return printable.length() > 80 ? printable.substring(0, 80) + "…" : printable;
	}

	@Override
	public String toString() {
		return "Mail[to=" + to + ", subject=" + subject + "]";
	}

}

package dev.plangate.notify;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;

/**
 * Sends through an SMTP server, with Spring Boot's {@code spring.mail.*} sender: a mail
 * with an HTML part as {@code multipart/alternative} (the text first, so that a reader
 * that shows HTML takes the last part), one without as plain text.
 */
class SmtpMailer implements Mailer {

	/** Names the outbox row a message came from, for tracing and de-duplication. */
	static final String ID_HEADER = "X-Plangate-Mail-Id";

	private final JavaMailSender sender;

	private final InternetAddress from;

	SmtpMailer(JavaMailSender sender, InternetAddress from) {
		this.sender = sender;
		this.from = from;
	}

	@Override
	public void send(UUID id, Mail mail) {
		var message = sender.createMimeMessage();
		try {
			var helper = new MimeMessageHelper(message, false, StandardCharsets.UTF_8.name());
			helper.setFrom(from);
			helper.setTo(mail.to());
			helper.setSubject(mail.subject());
			var html = mail.html();
			if (html == null) {
				helper.setText(mail.text(), false);
			}
			else {
				message.setContent(alternative(mail.text(), html));
			}
			message.setHeader(ID_HEADER, id.toString());
		}
		catch (MessagingException ex) {
			throw new MailPreparationException("Mail " + id + " could not be composed: " + ex.getMessage());
		}
		sender.send(message);
	}

	private static MimeMultipart alternative(String text, String html) throws MessagingException {
		var plain = new MimeBodyPart();
		plain.setText(text, StandardCharsets.UTF_8.name(), "plain");
		var rich = new MimeBodyPart();
		rich.setText(html, StandardCharsets.UTF_8.name(), "html");
		return new MimeMultipart("alternative", plain, rich);
	}

	@Override
	public boolean keepsText() {
		return false;
	}

}

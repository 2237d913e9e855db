package dev.plangate.notify;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.springframework.mail.MailPreparationException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessageHelper;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;

/** Sends through an SMTP server, with Spring Boot's {@code spring.mail.*} sender. */
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
			helper.setText(mail.text(), false);
			message.setHeader(ID_HEADER, id.toString());
		}
		catch (MessagingException ex) {
			throw new MailPreparationException("Mail " + id + " could not be composed: " + ex.getMessage());
		}
		sender.send(message);
	}

	@Override
	public boolean keepsText() {
		return false;
	}

}

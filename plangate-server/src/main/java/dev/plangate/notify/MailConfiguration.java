package dev.plangate.notify;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.util.StringUtils;

@Configuration(proxyBeanMethods = false)
class MailConfiguration {

	@Bean
	Mailer mailer(MailSettings settings, ObjectProvider<JavaMailSender> senders) {
		if (!settings.smtp()) {
			return new LogMailer();
		}
		var sender = senders.getIfAvailable();
		if (sender == null) {
			throw new IllegalStateException(
					"plangate.mail.transport is 'smtp' but no SMTP server is configured: set PLANGATE_SMTP_HOST");
		}
		if (sender instanceof JavaMailSenderImpl impl && StringUtils.hasLength(impl.getUsername())) {
			refusePlaintextCredentials(impl);
			// a user name means the server wants it: authenticate, unless told otherwise
			impl.getJavaMailProperties().putIfAbsent("mail.smtp.auth", "true");
		}
		return new SmtpMailer(sender, settings.fromAddress());
	}

	/**
	 * SMTP credentials cross the network only encrypted: STARTTLS required, or TLS from
	 * the start, unless the server is on this host.
	 */
	static void refusePlaintextCredentials(JavaMailSenderImpl sender) {
		var properties = sender.getJavaMailProperties();
		boolean encrypted = "true".equalsIgnoreCase(properties.getProperty("mail.smtp.starttls.required"))
				|| "true".equalsIgnoreCase(properties.getProperty("mail.smtp.ssl.enable"))
				|| "smtps".equalsIgnoreCase(sender.getProtocol());
		String host = sender.getHost();
		boolean local = host == null || host.equals("localhost") || host.equals("127.0.0.1") || host.equals("::1");
		if (!encrypted && !local) {
			throw new IllegalStateException("PLANGATE_SMTP_USERNAME is set but the connection to " + host
					+ " is not encrypted: set PLANGATE_SMTP_STARTTLS=true, so that the credentials and the mails' "
					+ "links do not cross the network in clear");
		}
	}

}

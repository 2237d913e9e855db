package dev.plangate.notify;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.util.StringUtils;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MailSettings.class)
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
			// a user name means the server wants it: authenticate, unless told otherwise
			impl.getJavaMailProperties().putIfAbsent("mail.smtp.auth", "true");
		}
		return new SmtpMailer(sender, settings.fromAddress());
	}

}

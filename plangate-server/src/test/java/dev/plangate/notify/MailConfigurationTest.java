package dev.plangate.notify;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import org.junit.jupiter.api.Test;
import org.springframework.mail.javamail.JavaMailSenderImpl;

class MailConfigurationTest {

	private static JavaMailSenderImpl sender(String host, boolean starttls) {
		var sender = new JavaMailSenderImpl();
		sender.setHost(host);
		sender.setUsername("plangate");
		sender.setPassword("secret");
		sender.getJavaMailProperties().setProperty("mail.smtp.starttls.required", Boolean.toString(starttls));
		return sender;
	}

	@Test
	void credentialsForARemoteServerNeedAnEncryptedConnection() {
		// when / then
		assertThatIllegalStateException()
			.isThrownBy(() -> MailConfiguration.refusePlaintextCredentials(sender("smtp.example.com", false)))
			.withMessageContaining("PLANGATE_SMTP_STARTTLS=true")
			.withMessageNotContaining("secret");
		assertThatCode(() -> MailConfiguration.refusePlaintextCredentials(sender("smtp.example.com", true)))
			.doesNotThrowAnyException();
		assertThatCode(() -> MailConfiguration.refusePlaintextCredentials(sender("localhost", false)))
			.doesNotThrowAnyException();
	}

}

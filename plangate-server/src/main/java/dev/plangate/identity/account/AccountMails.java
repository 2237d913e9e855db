package dev.plangate.identity.account;

import java.util.Map;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import dev.plangate.notify.MailOutbox;

/**
 * The mails of the account flows, each the templates of its name (docs/mail.md). Links
 * point at the product's own pages, which post the token back to {@code /v1/auth/*}.
 */
@Component
public class AccountMails {

	private final MailOutbox outbox;

	private final String verifyEmailLink;

	private final String resetPasswordLink;

	private final String confirmEmailLink;

	AccountMails(MailOutbox outbox,
			@Value("${plangate.accounts.links.verify-email:http://localhost:8080/verify-email?token={token}}") String verifyEmailLink,
			@Value("${plangate.accounts.links.reset-password:http://localhost:8080/reset-password?token={token}}") String resetPasswordLink,
			@Value("${plangate.accounts.links.confirm-email:http://localhost:8080/confirm-email?token={token}}") String confirmEmailLink) {
		this.outbox = outbox;
		this.verifyEmailLink = verifyEmailLink;
		this.resetPasswordLink = resetPasswordLink;
		this.confirmEmailLink = confirmEmailLink;
	}

	void verifyEmail(String to, String token) {
		outbox.send(to, "verify-email", Map.of("link", link(verifyEmailLink, token)));
	}

	void alreadyRegistered(String to) {
		outbox.send(to, "already-registered", Map.of());
	}

	void resetPassword(String to, String token) {
		outbox.send(to, "reset-password", Map.of("link", link(resetPasswordLink, token)));
	}

	void passwordChanged(String to) {
		outbox.send(to, "password-changed", Map.of());
	}

	void confirmNewEmail(String to, String token) {
		outbox.send(to, "confirm-new-email", Map.of("link", link(confirmEmailLink, token)));
	}

	void emailChanged(String to, String newEmail) {
		outbox.send(to, "email-changed", Map.of("newEmail", newEmail));
	}

	public void twoFactorEnabled(String to) {
		outbox.send(to, "two-factor-enabled", Map.of());
	}

	public void twoFactorDisabled(String to) {
		outbox.send(to, "two-factor-disabled", Map.of());
	}

	private static String link(String template, String token) {
		return template.replace("{token}", token);
	}

}

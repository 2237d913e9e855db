package dev.plangate.identity.account;

import java.util.Map;

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

	AccountMails(MailOutbox outbox, AccountSettings settings) {
		this.outbox = outbox;
		this.verifyEmailLink = settings.links().verifyEmail();
		this.resetPasswordLink = settings.links().resetPassword();
		this.confirmEmailLink = settings.links().confirmEmail();
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

package dev.plangate.identity.account;

import org.springframework.stereotype.Component;

import dev.plangate.notify.Mail;
import dev.plangate.notify.MailOutbox;

/**
 * The mails of the account flows. Links point at the product's own pages, which post the
 * token back to {@code /v1/auth/*}.
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
		outbox.send(new Mail(to, "Confirm your email address", """
				Welcome! Confirm that this is your email address by opening this link within 24 hours:

				%s

				If you did not sign up, ignore this mail: nothing happens without the link.
				""".formatted(link(verifyEmailLink, token))));
	}

	void alreadyRegistered(String to) {
		outbox.send(new Mail(to, "You already have an account", """
				Someone, maybe you, tried to sign up with this email address, which already has an account.

				If it was you, sign in instead, or reset your password if you forgot it.
				If it was not you, ignore this mail: your account is unchanged.
				"""));
	}

	void resetPassword(String to, String token) {
		outbox.send(new Mail(to, "Reset your password", """
				A password reset was asked for your account. Choose a new password within 30 minutes here:

				%s

				If you did not ask for it, ignore this mail: your password stays as it is.
				""".formatted(link(resetPasswordLink, token))));
	}

	void passwordChanged(String to) {
		outbox.send(new Mail(to, "Your password was changed", """
				The password of your account was just changed, and your other sessions were signed out.

				If you did not do this, reset your password at once and check your account's sessions.
				"""));
	}

	void confirmNewEmail(String to, String token) {
		outbox.send(new Mail(to, "Confirm your new email address",
				"""
						Confirm that your account should use this email address from now on by opening this link within 24 hours:

						%s

						If you did not ask for this, ignore this mail.
						"""
					.formatted(link(confirmEmailLink, token))));
	}

	void emailChanged(String to, String newEmail) {
		outbox.send(new Mail(to, "Your email address was changed", """
				Your account now uses the email address %s instead of this one.

				If you did not do this, contact support at once.
				""".formatted(newEmail)));
	}

	public void twoFactorEnabled(String to) {
		outbox.send(new Mail(to, "Two-factor authentication is on", """
				Two-factor authentication was just turned on for your account: signing in now also takes a code
				of your authenticator app, or one of your recovery codes.

				If you did not do this, reset your password at once and contact support.
				"""));
	}

	public void twoFactorDisabled(String to) {
		outbox.send(new Mail(to, "Two-factor authentication is off", """
				Two-factor authentication was just turned off for your account: signing in takes only the password now.

				If you did not do this, reset your password at once, turn two-factor authentication on again,
				and contact support.
				"""));
	}

	private static String link(String template, String token) {
		return template.replace("{token}", token);
	}

}

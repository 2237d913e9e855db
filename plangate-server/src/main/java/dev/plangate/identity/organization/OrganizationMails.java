package dev.plangate.identity.organization;

import java.time.Instant;

import org.springframework.stereotype.Component;

import dev.plangate.notify.Mail;
import dev.plangate.notify.MailOutbox;

/**
 * The mails of organizations. The invitation link points at the product's own page, which
 * posts the token to {@code /v1/me/invitations/accept} for the signed-in account.
 */
@Component
class OrganizationMails {

	private final MailOutbox outbox;

	private final String acceptLink;

	OrganizationMails(MailOutbox outbox, OrganizationSettings settings) {
		this.outbox = outbox;
		this.acceptLink = settings.links().acceptInvitation();
	}

	void invitation(String to, String organization, String invitedBy, OrganizationRole role, String token,
			Instant expiresAt) {
		outbox.send(new Mail(to, "You are invited to join " + organization, """
				%s invited you to join %s as %s.

				Sign in (or sign up) with this email address, then accept the invitation by opening this link before %s:

				%s

				If you do not want to join, ignore this mail: nothing happens without the link.
				""".formatted(invitedBy, organization, article(role), expiresAt,
				acceptLink.replace("{token}", token))));
	}

	void removed(String to, String organization) {
		outbox.send(new Mail(to, "You were removed from " + organization, """
				You are no longer a member of %s, and your access to it has ended.

				If you think this is a mistake, ask one of its owners to invite you again.
				""".formatted(organization)));
	}

	private static String article(OrganizationRole role) {
		return role == OrganizationRole.OWNER ? "an owner" : role == OrganizationRole.ADMIN ? "an admin" : "a member";
	}

}

package dev.plangate.identity.organization;

import java.time.Instant;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.plangate.notify.MailOutbox;

/**
 * The mails of organizations, each the templates of its name (docs/mail.md). The
 * invitation link points at the product's own page, which posts the token to
 * {@code /v1/me/invitations/accept} for the signed-in account.
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
		outbox.send(to, "organization-invitation",
				Map.of("organization", organization, "invitedBy", invitedBy, "role", role.id(), "roleWithArticle",
						article(role), "link", acceptLink.replace("{token}", token), "expiresAt", expiresAt));
	}

	void removed(String to, String organization) {
		outbox.send(to, "organization-removed", Map.of("organization", organization));
	}

	private static String article(OrganizationRole role) {
		return role == OrganizationRole.OWNER ? "an owner" : role == OrganizationRole.ADMIN ? "an admin" : "a member";
	}

}

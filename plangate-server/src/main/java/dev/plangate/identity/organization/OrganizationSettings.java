package dev.plangate.identity.organization;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * Organizations' member cap and invitation links ({@code plangate.organizations.*}).
 *
 * @param memberFeature the feature whose entitlement caps an organization's members plus
 * pending invitations (absent or unlimited: no cap)
 * @param links the product's pages that the organization mails link to
 */
@ConfigurationProperties("plangate.organizations")
record OrganizationSettings(@DefaultValue("seats") String memberFeature, @DefaultValue Links links) {

	OrganizationSettings {
		memberFeature = Settings.notBlank("plangate.organizations.member-feature", memberFeature);
	}

	/**
	 * The product's pages that the organization mails link to, each a URL with
	 * {@code {token}} where the mailed token goes.
	 *
	 * @param acceptInvitation the product's page that invitation mails link to: a URL
	 * with {@code {token}} where the mailed token goes; it posts the token to
	 * {@code /v1/me/invitations/accept}
	 */
	record Links(@DefaultValue("http://localhost:8080/accept-invitation?token={token}") String acceptInvitation) {

		Links {
			acceptInvitation = Settings.linkTemplate("plangate.organizations.links.accept-invitation",
					acceptInvitation);
		}

	}

}

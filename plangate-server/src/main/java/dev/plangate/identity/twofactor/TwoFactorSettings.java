package dev.plangate.identity.twofactor;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * Two-factor sign-in ({@code plangate.accounts.two-factor.*}).
 *
 * @param issuer the issuer authenticator apps show for Plangate's TOTP codes
 */
@ConfigurationProperties("plangate.accounts.two-factor")
record TwoFactorSettings(@DefaultValue("Plangate") String issuer) {

	TwoFactorSettings {
		issuer = Settings.notBlank("plangate.accounts.two-factor.issuer", issuer);
	}

}

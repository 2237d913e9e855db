package dev.plangate.console;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import dev.plangate.platform.Settings;

/**
 * How the product brands its end users' portal ({@code plangate.portal.*}).
 *
 * @param name the product's name, in the portal's header and title
 * @param logoUrl a logo shown by the name: an {@code https} URL, or a path on this server
 * ({@code /…}); the portal's Content-Security-Policy lets images come from its origin and
 * no other
 * @param accentColor the colour of links and buttons, as {@code #rrggbb}
 * @param returnUrl where the "Back to …" link leads, with the name: the product's own app
 */
@ConfigurationProperties("plangate.portal")
record PortalSettings(@DefaultValue("Plangate") String name, @Nullable String logoUrl, @Nullable String accentColor,
		@Nullable String returnUrl) {

	private static final Pattern HEX = Pattern.compile("#[0-9a-fA-F]{6}");

	PortalSettings {
		name = Settings.notBlank("plangate.portal.name", name);
		Settings.require(name.length() <= 80, "plangate.portal.name", "must be at most 80 characters");
		logoUrl = blankToNull(logoUrl);
		if (logoUrl != null) {
			logoOrigin(logoUrl);
		}
		accentColor = blankToNull(accentColor);
		if (accentColor != null) {
			Settings.require(HEX.matcher(accentColor).matches(), "plangate.portal.accent-color",
					"must be a colour as #rrggbb, such as '#0b5cad', not '" + accentColor + "'");
			accentColor = accentColor.toLowerCase(Locale.ROOT);
		}
		returnUrl = blankToNull(returnUrl);
		if (returnUrl != null) {
			returnUrl = Settings.webUrl("plangate.portal.return-url", returnUrl).toString();
		}
	}

	/**
	 * The origin the Content-Security-Policy must let the logo load from; {@code null}
	 * for a logo on this server.
	 */
	@Nullable String logoSource() {
		return logoUrl == null ? null : logoOrigin(logoUrl);
	}

	private static @Nullable String logoOrigin(String url) {
		var property = "plangate.portal.logo-url";
		var problem = "must be an https URL such as 'https://example.com/logo.svg', or a path on this server such as "
				+ "'/logo.svg', not '" + url + "'";
		if (url.startsWith("/") && !url.startsWith("//") && !url.contains("\\")) {
			try {
				var path = new URI(url);
				Settings.require(path.getScheme() == null && path.getRawAuthority() == null, property, problem);
				return null;
			}
			catch (URISyntaxException ex) {
				throw Settings.invalid(property, problem);
			}
		}
		try {
			var uri = new URI(url);
			Settings.require(
					"https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && uri.getRawUserInfo() == null,
					property, problem);
			return "https://" + uri.getHost().toLowerCase(Locale.ROOT)
					+ (uri.getPort() == -1 ? "" : ":" + uri.getPort());
		}
		catch (URISyntaxException ex) {
			throw Settings.invalid(property, problem);
		}
	}

	private static @Nullable String blankToNull(@Nullable String value) {
		return value == null || value.isBlank() ? null : value.strip();
	}

}

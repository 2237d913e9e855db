package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.plangate.PlangateApplication;
import dev.plangate.platform.InvalidSettingException;

/**
 * The portal's branding settings: what they accept, the policy a logo's origin makes, and
 * a bad one stopping start-up with a message naming its variable.
 */
@ExtendWith(OutputCaptureExtension.class)
class PortalSettingsTest {

	@Test
	void acceptsAnHttpsOrSameOriginLogoAHexColourAndAWebReturnUrl() {
		// when
		var remote = new PortalSettings(" Juniper ", "https://cdn.Juniper.example:8443/logo.svg", "#0B5CAD",
				"https://app.juniper.example/");
		var local = new PortalSettings("Juniper", "/logo.svg", null, " ");

		// then
		assertThat(remote.name()).isEqualTo("Juniper");
		assertThat(remote.accentColor()).isEqualTo("#0b5cad");
		assertThat(PortalBranding.policy(remote))
			.isEqualTo("default-src 'self'; img-src 'self' data: https://cdn.juniper.example:8443; object-src 'none'; "
					+ "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
		assertThat(PortalBranding.policy(local)).contains("img-src 'self' data:;");
		assertThat(local.returnUrl()).isNull();
	}

	@Test
	void refusesALogoOverPlainHttpOrAnotherSchemeABadColourOrReturnUrl() {
		for (var logo : List.of("http://cdn.example/logo.svg", "//cdn.example/logo.svg", "javascript:alert(1)",
				"data:image/svg+xml,<svg/>", "https://user@cdn.example/x.svg", "https://cdn.example/a b.svg",
				"https://x.example/'; script-src *")) {
			assertThatThrownBy(() -> new PortalSettings("P", logo, null, null)).as(logo)
				.isInstanceOf(InvalidSettingException.class)
				.hasMessageContaining("PLANGATE_PORTAL_LOGO_URL");
		}
		for (var colour : List.of("red", "#fff", "#12345g", "#1234567", "0b5cad", "#0b5cad;}")) {
			assertThatThrownBy(() -> new PortalSettings("P", null, colour, null)).as(colour)
				.isInstanceOf(InvalidSettingException.class)
				.hasMessageContaining("PLANGATE_PORTAL_ACCENT_COLOR");
		}
		assertThatThrownBy(() -> new PortalSettings("P", null, null, "javascript:alert(1)"))
			.isInstanceOf(InvalidSettingException.class)
			.hasMessageContaining("PLANGATE_PORTAL_RETURN_URL");
		assertThatThrownBy(() -> new PortalSettings(" ", null, null, null)).isInstanceOf(InvalidSettingException.class)
			.hasMessageContaining("PLANGATE_PORTAL_NAME");
	}

	@Test
	void pickTheTextColourThatReadsOnTheAccent() {
		assertThat(PortalController.textOn("#0b5cad")).isEqualTo("#ffffff");
		assertThat(PortalController.textOn("#ffd60a")).isEqualTo("#000000");
	}

	@Test
	void aBadAccentColourStopsStartUpNamingItsVariable(CapturedOutput output) {
		// when / then
		assertThatThrownBy(() -> start("--plangate.portal.accent-color=blue").close()).rootCause()
			.isInstanceOf(InvalidSettingException.class)
			.hasMessageContaining("PLANGATE_PORTAL_ACCENT_COLOR");
		assertThat(output.getOut() + output.getErr()).contains("APPLICATION FAILED TO START")
			.contains("The setting PLANGATE_PORTAL_ACCENT_COLOR (property plangate.portal.accent-color) must be a "
					+ "colour as #rrggbb, such as '#0b5cad', not 'blue'.");
	}

	private static AutoCloseable start(String... settings) {
		var args = new ArrayList<>(List.of("--server.port=0",
				"--spring.datasource.url=jdbc:h2:mem:portal_settings_" + UUID.randomUUID().toString().replace("-", "")
						+ ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
				"--spring.datasource.username=sa", "--spring.datasource.password="));
		args.addAll(List.of(settings));
		return new SpringApplicationBuilder(PlangateApplication.class).profiles("test")
			.run(args.toArray(String[]::new));
	}

}

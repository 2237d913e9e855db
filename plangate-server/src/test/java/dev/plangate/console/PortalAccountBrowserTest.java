package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.SelectOption;

import dev.plangate.support.Api;
import dev.plangate.support.AuthenticatorApp;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.TestMail;

/**
 * The portal for an end user's account in a real browser (Debian's chromium, driven by
 * Playwright), branded as the product configures it: sign-in with a second factor, usage,
 * plans, sessions, a personal key created and revoked, a member invited, two-factor set
 * up for another account, on a desktop and a phone, light and dark, each page checked for
 * accessibility. Screenshots go to {@code target/portal-*.png}. Tagged {@code browser}.
 */
@FreshSchema
class PortalAccountBrowserTest extends BrowserTest {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "portal_browser");
		registry.add("plangate.redis-prefix", () -> "plangate:rl:portal-browser-" + UUID.randomUUID() + ":");
		registry.add("plangate.portal.name", () -> "Juniper Notes");
		registry.add("plangate.portal.logo-url", () -> "/console/assets/test-logo.svg");
		registry.add("plangate.portal.accent-color", () -> "#0B5CAD");
		registry.add("plangate.portal.return-url", () -> "https://app.juniper.example/");
	}

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void anEndUserSignsInWithASecondFactorSeesUsageManagesKeysAndInvitesAMember() {
		// given: an account with two-factor on, some usage, and an organization it owns
		var user = Operators.create(anonymous, jdbc, "portal-browser", "user", true, clock);
		var customer = jdbc.sql("select customer_id from account where email = :e")
			.param("e", user.email())
			.query(String.class)
			.single();
		var consumed = api.post("/v1/consume",
				Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount", 850)));
		assertThat(consumed.status()).as(consumed.toString()).isEqualTo(200);
		var signIn = anonymous.post("/v1/auth/login", Api
			.json(Map.of("login", user.email(), "password", user.password(), "code", user.recoveryCodes().get(0))));
		var organization = anonymous.withKey(signIn.body().path("accessToken").asString())
			.post("/v1/me/organizations", Api.json(Map.of("name", "Juniper Team")));
		assertThat(organization.status()).as(organization.toString()).isEqualTo(201);
		var seats = api.post("/v1/customers/" + organization.body().path("id").asString() + "/subscription",
				Api.json(Map.of("plan", "pro")));
		assertThat(seats.status()).as(seats.toString()).isEqualTo(200);
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
		var page = context.newPage();

		// when: signing in
		open(page, "/portal/login");
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Sign in to Juniper Notes")).waitFor();
		assertAccessible(page, "sign-in");
		page.getByLabel("Email or username").fill(user.email());
		page.getByLabel("Password").fill(user.password());
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Continue")).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Second factor")).waitFor();
		assertAccessible(page, "second factor");
		page.getByLabel("Code of your authenticator app, or a recovery code").fill(user.nextCode());
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();

		// then: the usage page, branded
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Usage")).waitFor();
		assertThat(page.url()).endsWith("/portal");
		assertThat(row(page, "API calls").textContent()).contains("850");
		assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Back to Juniper Notes"))
			.getAttribute("href")).isEqualTo("https://app.juniper.example/");
		page.waitForFunction("() => document.querySelector('img.logo').complete");
		assertThat((Boolean) page.evaluate("() => document.querySelector('img.logo').naturalWidth > 0"))
			.as("the logo loaded under the page's policy")
			.isTrue();
		assertThat((String) page
			.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--accent').trim()"))
			.isEqualTo("#0b5cad");
		assertAccessible(page, "usage");
		screenshot(page, "portal-account-usage.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "usage, dark");
		screenshot(page, "portal-account-usage-dark.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));

		// and the plans, sessions
		nav(page, "Plans");
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("The cheapest plan that fits")).waitFor();
		assertAccessible(page, "plans");
		screenshot(page, "portal-plans.png");
		nav(page, "Sessions");
		page.getByText("this session").waitFor();
		assertAccessible(page, "sessions");

		// when: creating a personal key
		nav(page, "API keys");
		page.getByLabel("Name").fill("Reporting script");
		page.getByLabel("Access").selectOption(new SelectOption().setValue("read"));
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create key")).click();

		// then: its secret shown once, and it works
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("The new key's secret")).waitFor();
		var secret = page.locator("code.secret").textContent();
		assertThat(anonymous.withKey(secret).get("/v1/me/usage").status()).isEqualTo(200);
		assertAccessible(page, "keys, with a new secret");
		screenshot(page, "portal-keys.png");

		// when: revoking it
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Revoke Reporting script")).click();

		// then
		page.getByRole(AriaRole.STATUS).getByText("The key was revoked").waitFor();
		assertThat(page.getByText(secret).count()).isZero();
		assertThat(anonymous.withKey(secret).get("/v1/me/usage").status()).isEqualTo(401);

		// when: inviting a member
		var invitee = TestMail.uniqueAddress("portal-browser-invitee");
		nav(page, "Organization");
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Juniper Team")).waitFor();
		page.getByLabel("Email address").fill(invitee);
		page.getByLabel("Role").selectOption(new SelectOption().setValue("admin"));
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Invite")).click();

		// then
		page.getByRole(AriaRole.STATUS).getByText("An invitation was mailed to " + invitee).waitFor();
		assertThat(row(page, invitee).textContent()).contains("admin");
		assertAccessible(page, "organization");
		screenshot(page, "portal-organization.png");

		// and the same pages on a phone, in the dark
		var phone = browser
			.newContext(new Browser.NewContextOptions().setViewportSize(390, 844).setColorScheme(ColorScheme.DARK));
		var small = phone.newPage();
		signIn(small, user.email(), user.password(), user.recoveryCodes().get(1));
		small.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Usage")).waitFor();
		assertAccessible(small, "usage on a phone");
		screenshot(small, "portal-phone-usage.png");
		for (var each : List.of("Plans", "Sessions", "Two-factor", "API keys", "Organization")) {
			nav(small, each);
			small.getByRole(AriaRole.HEADING).first().waitFor();
			assertAccessible(small, each + " on a phone");
			assertThat((Boolean) small
				.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"))
				.as("%s fits the phone's width", each)
				.isTrue();
		}
		screenshot(small, "portal-phone-organization.png");

		// and signing out
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
		page.getByText("You are signed out.").waitFor();
		phone.close();
		context.close();
	}

	@Test
	void anotherAccountSetsUpTwoFactorAndSeesItsRecoveryCodesOnce() {
		// given
		var user = Operators.create(anonymous, jdbc, "portal-browser-enrol", "user", false, clock);
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844));
		var page = context.newPage();
		open(page, "/portal/login");
		page.getByLabel("Email or username").fill(user.email());
		page.getByLabel("Password").fill(user.password());
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Continue")).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Usage")).waitFor();

		// when
		nav(page, "Two-factor");
		assertAccessible(page, "two-factor, off");
		page.getByLabel("Password").fill(user.password());
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Set up two-factor authentication"))
			.click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Add this key to your authenticator app"))
			.waitFor();
		assertAccessible(page, "two-factor, enrolling");
		var qr = page.getByRole(AriaRole.IMG, new Page.GetByRoleOptions().setName("QR code of the setup link"));
		assertThat(qr.isVisible()).isTrue();
		assertThat(qr.boundingBox().width).as("large enough to scan on a phone's screen").isGreaterThan(150);
		screenshot(page, "portal-two-factor-enrol.png");
		var secret = AuthenticatorApp.fromBase32(page.locator("code.secret").first().textContent());
		page.getByLabel("Code your app shows").fill(AuthenticatorApp.code(secret, clock.instant()));
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Turn on")).click();

		// then
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Your recovery codes")).waitFor();
		assertThat(page.locator("ul.codes li").count()).isEqualTo(10);
		assertAccessible(page, "two-factor, recovery codes");
		screenshot(page, "portal-two-factor-codes.png");
		page.reload();
		assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Your recovery codes")).count())
			.as("shown once")
			.isZero();
		assertThat(page.getByText("Two-factor authentication is on").isVisible()).isTrue();
		var me = anonymous.post("/v1/auth/login", Api.json(Map.of("login", user.email(), "password", user.password())));
		assertThat(me.code()).isEqualTo("second_factor_required");
		context.close();
	}

	private void signIn(Page page, String login, String password, String code) {
		signIn(page, "/portal/login", login, password, code);
	}

	private static void nav(Page page, String name) {
		page.getByRole(AriaRole.NAVIGATION)
			.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(name).setExact(true))
			.click();
		page.waitForLoadState();
	}

	private static Locator row(Page page, String text) {
		return page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText(text)).first();
	}

	/** Under target, to look at; the README's images are the console's. */
	private static void screenshot(Page page, String name) {
		screenshot(page, Path.of("target"), name);
	}

}

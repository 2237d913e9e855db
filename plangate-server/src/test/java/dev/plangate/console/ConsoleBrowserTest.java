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
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;
import com.microsoft.playwright.options.SelectOption;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;

/**
 * The console in a real browser (Debian's chromium, driven by Playwright) against the
 * whole server: sign-in with a second factor, the overview, a search, a plan change, a
 * support operator refused, the portal opened with a customer token, an accessibility
 * check of every page, and the README's screenshots. Tagged {@code browser}:
 * {@code -DexcludedGroups=browser} leaves it out, {@code -Dgroups=browser} runs only it.
 */
@FreshSchema
class ConsoleBrowserTest extends BrowserTest {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		// its own database, so that the overview and the screenshots show this test's
		// customers only
		FreshDatabase.register(registry, "console_browser");
		registry.add("plangate.redis-prefix", () -> "plangate:rl:console-browser-" + UUID.randomUUID() + ":");
	}

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void anAdminSignsInWithASecondFactorFindsACustomerAndChangesItsPlan() {
		// given
		var admin = Operators.create(anonymous, jdbc, "browser-admin", "admin", true, clock);
		var customer = seedCustomers();
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
		var page = context.newPage();

		// when: signing in
		open(page, "/console");
		page.getByLabel("Email or username").fill(admin.email());
		page.getByLabel("Password").fill(admin.password());
		assertAccessible(page, "sign-in");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Continue")).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Second factor")).waitFor();
		assertAccessible(page, "second factor");
		page.getByLabel("Code of your authenticator app, or a recovery code").fill(admin.nextCode());
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign in")).click();

		// then: the overview
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Overview")).waitFor();
		assertThat(page.url()).endsWith("/console");
		var stats = api.get("/v1/admin/stats/subscriptions").body();
		for (var status : List.of("active", "trialing", "past_due")) {
			assertThat(page.locator("[data-status=" + status + "]").textContent()).as(status)
				.isEqualTo(stats.path("statuses").path(status).asString());
		}
		assertThat(stats.path("statuses").path("trialing").asLong()).isEqualTo(2);
		assertThat(page.locator("main").textContent()).as("two enterprise subscriptions at 499.00 USD a month")
			.contains("998.00 USD");
		// the chart, drawn by the page's deferred script (which may run after the page
		// shows)
		page.waitForFunction("() => typeof Chart !== 'undefined' && Chart.getChart('plans-chart') !== undefined");
		assertAccessible(page, "overview");
		screenshot(page, "console-overview.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "overview, dark");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));

		// when: searching the customer
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Customers").setExact(true)).click();
		page.getByLabel("Search id, name or email").fill("Harbor");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Search")).click();
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(customer)).waitFor();
		assertThat(page.locator("tbody tr").count()).isEqualTo(1);
		assertAccessible(page, "customers");
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(customer)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Harbor Analytics")).waitFor();
		assertAccessible(page, "customer");

		// and changing its plan
		page.getByLabel("New plan").selectOption(new SelectOption().setValue("enterprise"));
		page.getByLabel("When").selectOption(new SelectOption().setValue("now"));
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Change plan")).click();

		// then
		page.getByRole(AriaRole.STATUS).getByText("Plan change to enterprise made.").waitFor();
		assertThat(api.get("/v1/customers/" + customer + "/subscription").body().path("plan").path("key").asString())
			.isEqualTo("enterprise");
		assertThat(page.locator("section[aria-labelledby=audit-heading] tbody tr").first().textContent())
			.contains("subscription.plan_changed", "account:" + admin.accountId());
		assertAccessible(page, "customer after a change");
		screenshot(page, "console-customer.png");

		// and signing out
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
		page.getByText("You are signed out.").waitFor();
		open(page, "/console");
		assertThat(page.url()).endsWith("/console/login");
		context.close();
	}

	@Test
	void aSupportOperatorReadsACustomerButIsRefusedAPlanChange() {
		// given
		var support = Operators.create(anonymous, jdbc, "browser-support", "support", true, clock);
		var customer = newCustomer("browser-support");
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844));
		var page = context.newPage();
		signIn(page, support);

		// when
		open(page, "/console/customers/" + customer);
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("browser-support")).waitFor();
		var csrf = page.locator("form.signout input[name=_csrf]").getAttribute("value");
		var change = page.request()
			.post(url("/console/customers/" + customer + "/plan"),
					RequestOptions.create()
						.setForm(FormData.create().set("_csrf", csrf).set("plan", "pro").set("when", "now"))
						.setMaxRedirects(0));

		// then
		assertThat(page.getByText("Plan and status changes take an admin.").isVisible()).isTrue();
		assertThat(page.getByLabel("New plan").count()).isZero();
		assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Suspend")).count()).isZero();
		assertAccessible(page, "customer, on a phone, for support");
		assertThat(change.status()).isEqualTo(403);
		assertThat(change.text()).contains("Not allowed");
		assertThat(api.get("/v1/customers/" + customer + "/subscription").body().path("plan").path("key").asString())
			.isEqualTo("free");
		open(page, "/console/denied");
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Not allowed")).waitFor();
		assertAccessible(page, "refusal");
		context.close();
	}

	@Test
	void anEndUserOpensThePortalFromTheProductsLinkOnAPhone() {
		// given
		var customer = customer("portal", "Juniper Notes", "me@juniper.example");
		subscribe(customer, "pro");
		api.post("/v1/consume", Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount", 41250)));
		var minted = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));
		assertThat(minted.status()).as(minted.toString()).isEqualTo(201);
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844));
		var page = context.newPage();

		// when
		open(page, "/portal?token=" + minted.body().path("token").asString());

		// then
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Pro")).waitFor();
		assertThat(page.url()).as("the token left the address").endsWith("/portal");
		assertThat(page.getByRole(AriaRole.ROW)
			.filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("API calls"))
			.first()
			.textContent()).contains("41,250", "100,000");
		assertAccessible(page, "portal");
		screenshot(page, "portal-usage.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "portal, dark");
		context.close();
	}

	@Test
	void aSuperadminGivesARoleIsToldTheLastSuperadminKeepsItsAndEndsSessionsAndClearsRateLimits() {
		// given: the only superadmin of this test's database
		var superadmin = Operators.create(anonymous, jdbc, "browser-super", "superadmin", true, clock);
		jdbc.sql("update account set role = 'admin' where role = 'superadmin' and id <> :id")
			.param("id", UUID.fromString(superadmin.accountId()))
			.update();
		var target = Operators.create(anonymous, jdbc, "browser-promoted", "user", false, clock);
		var customer = api.get("/v1/admin/accounts/" + target.accountId())
			.body()
			.path("account")
			.path("customerId")
			.asString();
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
		var page = context.newPage();
		signIn(page, superadmin);

		// when: giving a role
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Operators").setExact(true)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Operators").setExact(true)).waitFor();
		assertAccessible(page, "operators");
		page.getByLabel("Email address of the account").fill(target.email());
		page.getByLabel("Role", new Page.GetByLabelOptions().setExact(true))
			.selectOption(new SelectOption().setValue("support"));
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Give the role")).click();

		// then
		page.getByRole(AriaRole.STATUS).getByText(target.email() + " is now support.").waitFor();
		assertThat(page.getByRole(AriaRole.ROW)
			.filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText(target.email()))
			.textContent()).contains("support");
		assertThat(api.get("/v1/admin/accounts/" + target.accountId()).body().path("account").path("role").asString())
			.isEqualTo("support");

		// when: the last superadmin gives itself another role
		page.getByLabel("Email address of the account").fill(superadmin.email());
		page.getByLabel("Role", new Page.GetByLabelOptions().setExact(true))
			.selectOption(new SelectOption().setValue("admin"));
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Give the role")).click();

		// then
		page.getByRole(AriaRole.ALERT).getByText("This is the last superadmin").waitFor();
		assertAccessible(page, "operators, a refusal");
		assertThat(
				api.get("/v1/admin/accounts/" + superadmin.accountId()).body().path("account").path("role").asString())
			.isEqualTo("superadmin");

		// when: ending the account's sessions and clearing its customer's rate limits
		AccountCalls.signIn(anonymous, target.email());
		AccountCalls.signIn(anonymous, target.email());
		open(page, "/console/customers/" + customer);
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Account and sessions")).waitFor();
		assertAccessible(page, "customer with its account");
		var sessionRows = page.locator("#sessions-table tbody tr");
		assertThat(sessionRows.count()).as("both sign-ins listed").isEqualTo(2);
		var endedSession = sessionRows.first().getAttribute("data-session");
		sessionRows.first().getByRole(AriaRole.BUTTON).click();
		page.getByRole(AriaRole.STATUS).getByText("Session of " + target.email() + " ended.").waitFor();
		assertThat(page.locator("#sessions-table tbody tr").count()).isEqualTo(1);
		assertThat(page.locator("#sessions-table tr[data-session='" + endedSession + "']").count()).isZero();
		assertAccessible(page, "customer after ending one session");
		screenshot(page, Path.of("target", "screenshots"), "console-customer-sessions.png");
		page.getByLabel("End every session of " + target.email()).check();
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("End sessions")).click();
		page.getByRole(AriaRole.STATUS).getByText("Sessions of " + target.email() + " ended: 1 session.").waitFor();
		page.getByLabel("Clear every rate limit of this customer").check();
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Clear rate limits")).click();

		// then
		page.getByRole(AriaRole.STATUS).getByText("Rate limits cleared: ").waitFor();
		assertThat(api.get("/v1/admin/accounts/" + target.accountId()).body().path("sessions").size()).isZero();
		assertThat(page.locator("section[aria-labelledby=audit-heading] tbody tr").first().textContent())
			.contains("rate_limits.reset", "account:" + superadmin.accountId());
		assertAccessible(page, "customer after ending sessions");
		context.close();
	}

	/**
	 * Customers on each plan, some with usage; answers the id of the one the test looks
	 * for, "Harbor Analytics".
	 */
	private String seedCustomers() {
		var harbor = customer("harbor", "Harbor Analytics", "ops@harbor.example");
		customer("lumen", "Lumen Labs", "billing@lumen.example");
		var quill = customer("quill", "Quill & Co", "team@quill.example");
		var nimbus = customer("nimbus", "Nimbus Health", "it@nimbus.example");
		var orbit = customer("orbit", "Orbit Logistics", "admin@orbit.example");
		var tessera = customer("tessera", "Tessera Studio", "hi@tessera.example");
		subscribe(quill, "pro");
		subscribe(nimbus, "pro");
		subscribe(orbit, "enterprise");
		subscribe(tessera, "enterprise");
		for (var id : List.of(harbor, quill, nimbus, orbit)) {
			api.post("/v1/consume", Api.json(Map.of("customerId", id, "feature", "api_calls", "amount", 300)));
		}
		return harbor;
	}

	private String customer(String prefix, String name, String email) {
		var id = uniqueId(prefix);
		var created = api.put("/v1/customers/" + id, Api.json(Map.of("name", name, "email", email)));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return id;
	}

	private void subscribe(String customer, String plan) {
		var response = api.post("/v1/customers/" + customer + "/subscription", Api.json(Map.of("plan", plan)));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	/** Into docs/images, where the README shows them. */
	private static void screenshot(Page page, String name) {
		screenshot(page, Path.of("..", "docs", "images"), name);
	}

}

package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
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
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;

/**
 * A customer's page in a real browser (Debian's chromium, driven by Playwright): an admin
 * sets an override and adds a grant, sees both in the entitlements with their source,
 * sees the usage chart drawn, and deletes a customer, with an accessibility check in
 * light and dark. Tagged {@code browser}.
 */
@FreshSchema
class ConsoleCustomerBrowserTest extends BrowserTest {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "console_customer_browser");
		registry.add("plangate.redis-prefix", () -> "plangate:rl:console-customer-browser-" + UUID.randomUUID() + ":");
	}

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void anAdminSetsAnOverrideAddsAGrantSeesTheUsageChartAndDeletesACustomer() {
		// given
		var admin = Operators.create(anonymous, jdbc, "browser-cust-admin", "admin", true, clock);
		var customer = customer("harbor", "Harbor Analytics");
		var consumed = api.post("/v1/consume",
				Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount", 420)));
		assertThat(consumed.status()).as(consumed.toString()).isEqualTo(200);
		var leaving = customer("lumen", "Lumen Labs");
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
		var page = context.newPage();
		signIn(page, admin);

		// when: setting an override
		open(page, "/console/customers/" + customer);
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Harbor Analytics")).waitFor();
		page.getByLabel("Feature to override").selectOption(new SelectOption().setValue("seats"));
		page.getByLabel("Value", new Page.GetByLabelOptions().setExact(true)).fill("25");
		page.getByLabel("Reason").first().fill("Enterprise trial");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Set override")).click();

		// then
		page.getByRole(AriaRole.STATUS).getByText("Override of seats set.").waitFor();
		assertThat(entitlement(page, "seats").textContent()).contains("25", "override");
		assertThat(page.locator("tr[data-override=seats]").textContent()).contains("Enterprise trial",
				"account:" + admin.accountId());

		// when: adding a grant
		page.getByLabel("Quota to add to").selectOption(new SelectOption().setValue("api_calls"));
		page.getByLabel("Amount").fill("2500");
		page.getByLabel("Expires on (UTC, at 00:00; empty: never)")
			.fill(LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(30).toString());
		page.locator("#grant-reason").fill("Launch week credit");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Add grant")).click();

		// then
		page.getByRole(AriaRole.STATUS).getByText("Grant of 2500 api_calls added.").waitFor();
		assertThat(entitlement(page, "api_calls").textContent()).contains("plan", "+ grant: 2,500 left");
		assertThat(page.locator("section[aria-labelledby=grants-heading] tbody tr").first().textContent())
			.contains("2,500", "active", "Launch week credit");
		assertThat(api.get("/v1/customers/" + customer + "/grants").body().path("data").size()).isEqualTo(1);

		// when: a batch submitted while the page is open
		var submitted = api.post("/v1/batches",
				Api.json(Map.of("customerId", customer, "region", "browser-" + uniqueId("r"), "operations",
						java.util.List.of(Map.of("type", "spawn_agent", "payload", Map.of("n", 1))))));
		assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
		var batch = submitted.body().path("id").asString();

		// then: the recent batches show it without the page being loaded again
		page.locator("#customer-batches tr[data-batch='" + batch + "']").waitFor();
		assertThat(page.locator("#customer-batches tr[data-batch='" + batch + "']").textContent())
			.contains("of 1 operations");
		assertThat(page.getByRole(AriaRole.STATUS).getByText("Grant of 2500 api_calls added.").isVisible())
			.as("still the same page")
			.isTrue();

		// and the usage chart, drawn by the page's deferred script (which may run after
		// the page shows)
		page.waitForFunction(
				"() => typeof Chart !== 'undefined' && Chart.getChart('usage-chart-api_calls') !== undefined");
		assertThat((Number) page.evaluate("() => Chart.getChart('usage-chart-api_calls').data.datasets.length"))
			.as("usage, the limit and the projection")
			.satisfies(n -> assertThat(n.intValue()).isBetween(2, 3));
		page.getByText("The figures as a table: API calls per month").click();
		assertThat(page.locator("section[aria-labelledby=charts-heading] table").first().isVisible()).isTrue();
		assertAccessible(page, "customer");
		screenshot(page, "console-customer-changes.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "customer, dark");
		screenshot(page, "console-customer-changes-dark.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));

		// when: deleting another customer, first with the wrong id typed
		open(page, "/console/customers/" + leaving);
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Lumen Labs")).waitFor();
		page.getByLabel("Type the customer's id").fill(customer);
		page.getByLabel("Reason for the deletion").fill("Asked to close the account");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete the customer")).click();
		page.getByRole(AriaRole.ALERT).getByText("Type the customer's id to confirm the deletion.").waitFor();
		assertAccessible(page, "customer, a refused deletion");
		page.getByLabel("Type the customer's id").fill(leaving);
		page.getByLabel("Reason for the deletion").fill("Asked to close the account");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete the customer")).click();

		// then
		page.getByRole(AriaRole.STATUS).getByText("Customer " + leaving + " deleted.").waitFor();
		assertThat(page.url()).endsWith("/console/customers");
		assertThat(api.get("/v1/customers/" + leaving).body().path("status").asString()).isEqualTo("deleted");
		assertThat(api.get("/v1/customers/" + customer).body().path("status").asString()).isEqualTo("active");
		assertAccessible(page, "customers after a deletion");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "customers after a deletion, dark");
		context.close();
	}

	private static Locator entitlement(Page page, String feature) {
		return page.locator("section[aria-labelledby=entitlements-heading] tr[data-feature=" + feature + "]");
	}

	private String customer(String prefix, String name) {
		var id = uniqueId(prefix);
		var created = api.put("/v1/customers/" + id, Api.json(Map.of("name", name, "email", id + "@example.com")));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return id;
	}

	/**
	 * Under target/, to be looked at; the README's screenshots are ConsoleBrowserTest's.
	 */
	private static void screenshot(Page page, String name) {
		screenshot(page, Path.of("target", "screenshots"), name);
	}

}

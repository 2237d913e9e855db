package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
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
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;

/**
 * The console's plans pages in a real browser (Debian's chromium, driven by Playwright)
 * against the whole server: the list, a plan, two of its versions compared, the edit
 * page, and subscribers of an older version moved after a preview, each page checked for
 * accessibility in the light and the dark scheme. Screenshots go to
 * {@code target/console-plans/}. Tagged {@code browser}.
 */
@FreshSchema
class ConsolePlansBrowserTest extends BrowserTest {

	private static final Path SCREENSHOTS = Path.of("target", "console-plans");

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		// its own database, so that the pages show this test's plans and customers only
		FreshDatabase.register(registry, "console_plans_browser");
		registry.add("plangate.redis-prefix", () -> "plangate:rl:console-plans-browser-" + UUID.randomUUID() + ":");
	}

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void anAdminComparesTwoVersionsOfAPlanAndMovesTheSubscribersOfTheOlderOne() {
		// given: three subscribers of Team v1, then a v2 that costs more and grants more
		var admin = Operators.create(anonymous, jdbc, "browser-plans", "admin", true, clock);
		var team = createTeamPlan();
		var subscribers = new ArrayList<String>();
		for (var name : List.of("Harbor Analytics", "Lumen Labs", "Quill & Co")) {
			var customer = uniqueId(name.substring(0, 5).toLowerCase().strip());
			var created = api.put("/v1/customers/" + customer, Api.json(Map.of("name", name)));
			assertThat(created.status()).as(created.toString()).isEqualTo(201);
			var subscribed = api.post("/v1/customers/" + customer + "/subscription", Api.json(Map.of("plan", team)));
			assertThat(subscribed.status()).as(subscribed.toString()).isEqualTo(200);
			subscribers.add(customer);
		}
		publishTeamV2(team);
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
		var page = context.newPage();
		signIn(page, admin);

		// when: opening the list
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Plans").setExact(true)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Plans").setExact(true)).waitFor();

		// then
		var row = page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText("Team"));
		assertThat(row.textContent()).contains(team, "active", "v2", "59.00 USD a month", "3");
		assertThat(page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText("Free")).textContent())
			.contains("default", "0.00 USD a month");
		assertAccessibleInBothSchemes(page, "plans");
		screenshot(page, "plans.png");

		// when: opening the plan, and comparing its two versions
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Team").setExact(true)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Current version: v2")).waitFor();
		assertThat(
				page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText("v1")).first().textContent())
			.contains("earlier", "3");
		assertAccessibleInBothSchemes(page, "plan");
		page.getByLabel("Compare", new Page.GetByLabelOptions().setExact(true))
			.selectOption(new SelectOption().setValue("1"));
		page.getByLabel("with", new Page.GetByLabelOptions().setExact(true))
			.selectOption(new SelectOption().setValue("2"));
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Compare")).click();

		// then
		page.getByText("v1 → v2:").waitFor();
		assertThat(page.url()).contains("compare=1", "with=2");
		var diff = page.getByRole(AriaRole.TABLE, new Page.GetByRoleOptions().setName("v1 compared with v2"));
		assertThat(diffRow(diff, "Price")).contains("49.00 USD a month", "59.00 USD a month", "Changed");
		assertThat(diffRow(diff, "Advanced analytics")).contains("not listed", "on", "Added");
		assertThat(diffRow(diff, "Single sign-on")).contains("off", "not listed", "Removed");
		assertThat(diffRow(diff, "API calls per month")).contains("20,000 call / month",
				"50,000 call / month, then 0.05 USD per 1,000 call over", "Changed");
		assertThat(diffRow(diff, "Team members")).contains("5 member (lifetime)", "Same");
		assertAccessibleInBothSchemes(page, "plan with a comparison");
		screenshot(page, "plan-diff.png");

		// when: the edit page, only looked at
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Publish a new version")).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Publish a new version of Team"))
			.waitFor();

		// then
		assertThat(page.getByLabel("Price in minor units (2900 is 29.00)").inputValue()).isEqualTo("5900");
		assertThat(page.getByLabel("The plan, as in the catalog file").inputValue()).contains("key: " + team,
				"price: 5900");
		assertAccessibleInBothSchemes(page, "edit");
		screenshot(page, "plan-edit.png");
		page.goBack();

		// when: previewing the move of v1's subscribers to v2
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Move subscribers")).waitFor();
		page.getByLabel("From", new Page.GetByLabelOptions().setExact(true))
			.selectOption(new SelectOption().setValue("1"));
		page.getByLabel("To", new Page.GetByLabelOptions().setExact(true))
			.selectOption(new SelectOption().setValue("2"));
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Preview the move")).click();

		// then
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Move subscribers of Team")).waitFor();
		assertThat(page.locator("#moving").textContent()).contains("3", "subscriptions move from v1 to v2.");
		for (var customer : subscribers) {
			assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(customer)).count()).isOne();
		}
		assertThat(api.get("/v1/customers/" + subscribers.get(0) + "/subscription")
			.body()
			.path("plan")
			.path("version")
			.asInt()).as("a preview moves nobody").isEqualTo(1);
		assertAccessibleInBothSchemes(page, "migration preview");
		screenshot(page, "plan-migration.png");

		// when: confirming
		page.getByLabel("Move 3 subscriptions to v2").check();
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Move subscribers")).click();

		// then
		page.getByRole(AriaRole.STATUS).getByText("3 subscriptions moved to version 2.").waitFor();
		for (var customer : subscribers) {
			assertThat(
					api.get("/v1/customers/" + customer + "/subscription").body().path("plan").path("version").asInt())
				.as(customer)
				.isEqualTo(2);
		}
		assertThat(page.locator("section[aria-labelledby=audit-heading] tbody tr").first().textContent())
			.contains("plan.subscribers_migrated", "account:" + admin.accountId());
		assertThat(page.getByRole(AriaRole.ROW).filter(new Locator.FilterOptions().setHasText("current")).textContent())
			.contains("v2", "3");
		assertAccessibleInBothSchemes(page, "plan after the move");
		screenshot(page, "plan-after-migration.png");
		context.close();
	}

	/** Team v1: 49.00 USD a month, 20,000 API calls, 5 members, no single sign-on. */
	private String createTeamPlan() {
		var created = api.post("/v1/admin/plans",
				Api.json(Map.of("key", "team", "name", "Team", "description", "For small teams", "price", 4900,
						"entitlements",
						Map.of("api_access", true, "api_calls", 20000, "seats", 5, "sso", false, "support", "email"))));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return "team";
	}

	/**
	 * Team v2: 59.00 USD, 50,000 API calls with overage, advanced analytics, single
	 * sign-on no longer listed, priority support.
	 */
	private void publishTeamV2(String team) {
		var updated = api.put("/v1/admin/plans/" + team,
				Api.json(Map.of("name", "Team", "description", "For small teams", "price", 5900, "entitlements",
						Map.of("api_access", true, "api_calls",
								Map.of("limit", 50000, "overage", Map.of("price", 5, "per", 1000)), "seats", 5,
								"advanced_analytics", true, "support", "priority"))));
		assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
	}

	private static String diffRow(Locator table, String what) {
		return table
			.locator("tbody tr:has(th[scope=row]:text-is('" + what + "')), tbody tr:has(th[scope=row] > "
					+ "span:text-is('" + what + "'))")
			.textContent();
	}

	private static void assertAccessibleInBothSchemes(Page page, String what) {
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));
		assertAccessible(page, what);
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, what + ", dark");
		screenshot(page, what.replace(' ', '-') + "-dark.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));
	}

	private static void screenshot(Page page, String name) {
		screenshot(page, SCREENSHOTS, name);
	}

}

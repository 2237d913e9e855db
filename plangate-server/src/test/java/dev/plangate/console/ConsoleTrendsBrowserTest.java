package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;

import dev.plangate.support.Api;

/**
 * The overview's trend charts in a real browser (Debian's chromium, driven by
 * Playwright): drawn by the console's own script under the page's content security
 * policy, their tables behind a disclosure, accessible in light and dark. Tagged
 * {@code browser}.
 */
class ConsoleTrendsBrowserTest extends BrowserTest {

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void aSupportOperatorSeesTheTrendChartsAndTheirTables() {
		// given: a customer on pro, a refused check
		var support = Operators.create(anonymous, jdbc, "browser-trends", "support", true, clock);
		var customer = newCustomer("browser-trends");
		api.post("/v1/customers/" + customer + "/subscription", "{\"plan\":\"pro\"}");
		api.post("/v1/check", Api.json(Map.of("customerId", customer, "feature", "sso")));
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
		var page = context.newPage();
		var scriptErrors = new ArrayList<String>();
		page.onPageError(scriptErrors::add);
		page.onConsoleMessage(message -> {
			// a resource refused (a 401 before sign-in) is not the page's script
			if (message.type().equals("error") && !message.text().startsWith("Failed to load resource")) {
				scriptErrors.add(message.text());
			}
		});

		// when
		signIn(page, support);
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Decisions, last 24 hours")).waitFor();

		// then: both charts drawn, no script refused by the policy
		assertThat(scriptErrors).as("script errors or policy refusals").isEmpty();
		// the deferred scripts may run after the heading shows
		page.waitForFunction("() => typeof Chart !== 'undefined'"
				+ " && Chart.getChart('decisions-chart') !== undefined && Chart.getChart('growth-chart') !== undefined");
		page.getByText("Decisions per hour as a table").click();
		assertThat(page.locator("#decisions-table tbody tr").count()).isEqualTo(25);
		page.getByText("Sign-ups and churn per week as a table").click();
		assertThat(page.locator("#growth-table tbody tr").count()).isEqualTo(12);
		assertAccessible(page, "overview with its trends");
		screenshot(page, "console-overview-trends.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "overview with its trends, dark");
		screenshot(page, "console-overview-trends-dark.png");

		// and by month
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("month").setExact(true)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Sign-ups and churn, last 12 months"))
			.waitFor();
		page.waitForFunction("() => typeof Chart !== 'undefined' && Chart.getChart('growth-chart') !== undefined");
		assertAccessible(page, "overview by month, dark");
		context.close();
	}

	/** Under target/, to look at; the README's screenshots are ConsoleBrowserTest's. */
	private static void screenshot(Page page, String name) {
		screenshot(page, Path.of("target", "screenshots"), name);
	}

}

package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;

import dev.plangate.support.Api;
import tools.jackson.databind.JsonNode;

/**
 * "View as" in a real browser: a support operator signs into the console, opens a
 * customer, views as its end user in the portal under a banner, is refused a change,
 * finds it audited, and ends it. Tagged {@code browser}; screenshots go to
 * {@code target/}.
 */
class ImpersonationBrowserTest extends BrowserTest {

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void aSupportOperatorViewsAsAnEndUserUnderABannerReadOnlyAuditedAndEndsIt() {
		// given
		var support = Operators.create(anonymous, jdbc, "view-as-support", "support", true, clock);
		var user = Operators.create(anonymous, jdbc, "view-as-user", "user", false, clock);
		var customer = api.get("/v1/admin/accounts/" + user.accountId())
			.body()
			.path("account")
			.path("customerId")
			.asString();
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
		var page = context.newPage();
		signIn(page, support);

		// when: opening the customer and viewing as its user
		open(page, "/console/customers/" + customer);
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Account and sessions")).waitFor();
		assertThat(page.getByLabel("Mode").count()).as("support views read-only: no mode to choose").isZero();
		assertAccessible(page, "customer with View as");
		screenshot(page, "impersonation-customer.png");
		page.getByLabel("Reason for viewing as").fill("Ticket 812: usage looks wrong");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("View as")).click();

		// then: the portal as the user, under the banner
		var banner = page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Viewing as another user"));
		banner.waitFor();
		assertThat(page.url()).endsWith("/portal");
		assertThat(banner.textContent()).contains("Viewing as " + user.email(), "by operator " + support.email(),
				"read-only", "ends at");
		assertAccessible(page, "portal viewed as");
		screenshot(page, "impersonation-portal.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "portal viewed as, dark");
		screenshot(page, "impersonation-portal-dark.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));

		// and a change is refused
		var csrf = banner.locator("input[name=_csrf]").getAttribute("value");
		var change = page.request()
			.post(url("/portal/plan"),
					RequestOptions.create().setForm(FormData.create().set("_csrf", csrf)).setMaxRedirects(0));
		assertThat(change.status()).isEqualTo(403);
		assertThat(change.text()).contains("impersonation_read_only");
		var checkout = page.request()
			.post(url("/portal/plans/checkout"),
					RequestOptions.create()
						.setForm(FormData.create().set("_csrf", csrf).set("plan", "pro"))
						.setMaxRedirects(0));
		assertThat(checkout.status()).as("the portal's own changes, refused as read-only").isEqualTo(403);
		assertThat(checkout.text()).contains("impersonation_read_only");

		// and the audit log has it, with the operator behind the user
		var rows = audit(customer);
		assertThat(rows).anySatisfy(r -> {
			assertThat(r.path("action").asString()).isEqualTo("impersonation.started");
			assertThat(r.path("actor").asString()).isEqualTo("account:" + support.accountId());
			assertThat(r.path("after").path("reason").asString()).isEqualTo("Ticket 812: usage looks wrong");
		});
		assertThat(rows).noneSatisfy(r -> {
			assertThat(r.path("after").path("path").asString()).isEqualTo("/portal/plans/checkout");
			assertThat(r.path("after").path("status").asInt()).isNotEqualTo(403);
		});
		assertThat(rows).anySatisfy(r -> {
			assertThat(r.path("action").asString()).isEqualTo("impersonation.request");
			assertThat(r.path("after").path("path").asString()).isEqualTo("/portal");
			assertThat(r.path("actor").asString()).isEqualTo("account:" + user.accountId());
			assertThat(r.path("impersonatedBy").asString()).isEqualTo("account:" + support.accountId());
		});

		// when: ending it
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("End now")).click();

		// then: back on the customer's page, the impersonation over
		page.getByRole(AriaRole.STATUS).getByText("Viewing as " + user.email() + " ended.").waitFor();
		assertThat(page.url()).endsWith("/console/customers/" + customer);
		assertThat(page.locator("section[aria-labelledby=audit-heading] tbody").textContent())
			.contains("impersonation.ended", "impersonation.request", "impersonation.started");
		assertAccessible(page, "customer after viewing as");
		assertThat(audit(customer)).anySatisfy(r -> {
			assertThat(r.path("action").asString()).isEqualTo("impersonation.ended");
			assertThat(r.path("actor").asString()).isEqualTo("account:" + support.accountId());
		});
		open(page, "/portal");
		assertThat(
				page.getByRole(AriaRole.REGION, new Page.GetByRoleOptions().setName("Viewing as another user")).count())
			.isZero();
		assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Open this page from your app"))
			.count()).isEqualTo(1);
		context.close();
	}

	private List<JsonNode> audit(String customer) {
		var events = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + Api.encode(customer));
		assertThat(events.status()).as(events.toString()).isEqualTo(200);
		var rows = new ArrayList<JsonNode>();
		events.body().path("data").forEach(rows::add);
		return rows;
	}

	/** Into target/, to look at. */
	private static void screenshot(Page page, String name) {
		screenshot(page, Path.of("target", "screenshots"), name);
	}

}

package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
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
 * The console's operations pages in a real browser (Debian's chromium, driven by
 * Playwright): the audit log filtered, the mail outbox and one mail with its link masked,
 * an API key created (its secret shown once) and revoked, each page checked for
 * accessibility. Mail goes to the log, as in the embedded default, so that the outbox
 * keeps texts. Tagged {@code browser}; screenshots under {@code target/screenshots}.
 */
@FreshSchema
class ConsoleOpsBrowserTest extends BrowserTest {

	private static final Page.GetByLabelOptions EXACT = new Page.GetByLabelOptions().setExact(true);

	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "console_ops_browser");
		registry.add("plangate.redis-prefix", () -> "plangate:rl:console-ops-browser-" + UUID.randomUUID() + ":");
		registry.add("test.mail.transport", () -> "log");
	}

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void anAdminFiltersTheAuditLogReadsTheOutboxAndCreatesThenRevokesAKey() {
		// given
		var admin = Operators.createReadingTheOutbox(anonymous, api, jdbc, "ops-browser", "admin", clock);
		var customer = customer("harbor", "Harbor Analytics", "ops@harbor.example");
		customer("lumen", "Lumen Labs", "billing@lumen.example");
		assertThat(api.post("/v1/customers/" + customer + "/suspend", null).status()).isEqualTo(200);
		var verification = api.get("/v1/admin/mail-outbox?to=" + Api.encode(admin.email()))
			.body()
			.path("data")
			.get(0)
			.path("id")
			.asString();
		Awaitility.await()
			.atMost(Duration.ofSeconds(15))
			.until(() -> "sent"
				.equals(api.get("/v1/admin/mail-outbox/" + verification).body().path("status").asString()));
		var text = api.get("/v1/admin/mail-outbox/" + verification).body().path("text").asString();
		var token = text.substring(text.indexOf("token=") + "token=".length()).strip();
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
		var page = context.newPage();
		signIn(page, admin);

		// when: filtering the audit log
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Audit log").setExact(true)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Audit log")).waitFor();
		assertAccessible(page, "audit log");
		page.getByLabel("Action", EXACT).fill("customer.suspended");
		page.getByLabel("Target id", EXACT).fill(customer);
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();

		// then
		page.waitForURL("**/console/audit?**");
		assertThat(page.locator("tbody tr").count()).isEqualTo(1);
		var row = page.locator("tbody tr").first();
		assertThat(row.textContent()).contains("customer.suspended", customer, "api_key:");
		assertAccessible(page, "audit log, filtered");
		screenshot(page, "console-audit.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "audit log, dark");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));

		// and a bad date is told, not failed
		page.getByLabel("Since (UTC)").fill("last tuesday");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
		page.getByRole(AriaRole.ALERT).getByText("'last tuesday' is not a time").waitFor();
		assertAccessible(page, "audit log, a bad filter");

		// and its row leads to the customer
		page.getByLabel("Since (UTC)").fill("");
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
		page.waitForURL(url -> !url.contains("last"));
		page.locator("tbody tr")
			.first()
			.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName(customer))
			.click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Harbor Analytics")).waitFor();

		// when: opening the outbox
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Mail").setExact(true)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Mail outbox")).waitFor();
		page.getByLabel("Status", EXACT).selectOption(new SelectOption().setValue("sent"));
		page.getByLabel("Recipient", EXACT).fill(admin.email());
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
		page.waitForURL("**/console/mail?**");

		// then
		var mails = page.locator("tbody tr");
		assertThat(mails.count()).as("its verification mail, and its two-factor one once sent").isBetween(1, 2);
		assertThat(mails.allTextContents())
			.allMatch(listed -> listed.contains(admin.email()) && listed.contains("sent"))
			.anyMatch(listed -> listed.contains("Confirm your email address"));
		assertAccessible(page, "mail outbox");
		screenshot(page, "console-mail.png");

		// and one mail, its link masked
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Confirm your email address")).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Confirm your email address")).waitFor();
		assertThat(page.locator("pre.mail-text").textContent()).contains("http://localhost:8080/[hidden]");
		assertThat(page.content()).doesNotContain(token);
		assertAccessible(page, "one mail");
		screenshot(page, "console-mail-one.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "one mail, dark");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));

		// when: creating a key
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("API keys").setExact(true)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("API keys").setExact(true)).waitFor();
		assertAccessible(page, "API keys");
		page.getByLabel("Name", EXACT).fill("billing backend, production");
		page.getByLabel("Kind", EXACT).selectOption(new SelectOption().setValue("server"));
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create the key")).click();

		// then: its secret, this once
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Key created: copy its secret now"))
			.waitFor();
		var secret = page.getByLabel("Secret", EXACT).inputValue();
		assertThat(secret).startsWith("pg_sk_");
		assertThat(new Api(port, secret).get("/v1/customers/" + customer).status()).isEqualTo(200);
		assertAccessible(page, "API keys, a key created");
		screenshot(page, "console-key-created.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "API keys, dark");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("API keys").setExact(true)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Server and worker keys")).waitFor();
		assertThat(page.content()).as("never shown again").doesNotContain(secret);

		// when: revoking it
		var keyRow = page.getByRole(AriaRole.ROW)
			.filter(new Locator.FilterOptions().setHasText("billing backend, production"));
		keyRow.getByRole(AriaRole.CHECKBOX).check();
		keyRow.getByRole(AriaRole.BUTTON).click();

		// then
		page.getByRole(AriaRole.STATUS).getByText("(billing backend, production) is revoked").waitFor();
		assertThat(page.getByRole(AriaRole.ROW)
			.filter(new Locator.FilterOptions().setHasText("billing backend, production"))
			.textContent()).contains("revoked");
		assertThat(new Api(port, secret).get("/v1/customers/" + customer).status()).isEqualTo(401);
		assertAccessible(page, "API keys, a key revoked");
		screenshot(page, "console-keys.png");

		// and the audit log names the operator
		open(page, "/console/audit?actor=account:" + admin.accountId());
		assertThat(page.locator("tbody").textContent()).contains("api_key.revoked", "api_key.created",
				"mail.text_read");
		context.close();
	}

	@Test
	void aSupportOperatorOnAPhoneReadsTheAuditLogAndKeysAndIsRefusedTheOutbox() {
		// given
		var support = Operators.createReadingTheOutbox(anonymous, api, jdbc, "ops-support", "support", clock);
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844));
		var page = context.newPage();
		signIn(page, support);

		// when
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("API keys").setExact(true)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("API keys").setExact(true)).waitFor();

		// then
		assertThat(page.getByText("Creating and revoking keys takes an admin.").isVisible()).isTrue();
		assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create the key")).count())
			.isZero();
		assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Mail").setExact(true)).count())
			.isZero();
		assertAccessible(page, "API keys, on a phone, for support");
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Audit log").setExact(true)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Audit log")).waitFor();
		assertAccessible(page, "audit log, on a phone");
		screenshot(page, "console-audit-phone.png");
		var refused = open(page, "/console/mail");
		assertThat(refused.status()).isEqualTo(403);
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Not allowed")).waitFor();
		context.close();
	}

	private String customer(String prefix, String name, String email) {
		var id = uniqueId(prefix);
		var created = api.put("/v1/customers/" + id, Api.json(Map.of("name", name, "email", email)));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return id;
	}

	private static void screenshot(Page page, String name) {
		screenshot(page, SCREENSHOTS, name);
	}

}

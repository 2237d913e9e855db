package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.ColorScheme;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import tools.jackson.databind.JsonNode;

/**
 * The console's batch pages in a real browser (Debian's chromium, driven by Playwright):
 * batches submitted through the API appear on the queue page, their progress moves
 * without a reload as a worker (played by the test through the worker API) ends
 * operations, an admin cancels one, and every page passes an accessibility check in light
 * and dark. Screenshots go to {@code target/screenshots}. Tagged {@code browser}.
 */
@FreshSchema
class ConsoleBatchesBrowserTest extends BrowserTest {

	private static final Path SCREENSHOTS = Path.of("target", "screenshots");

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "console_batches_browser");
		registry.add("plangate.redis-prefix", () -> "plangate:rl:console-batches-browser-" + UUID.randomUUID() + ":");
		// the test's worker holds its operations while the browser is checked, without
		// heartbeats
		registry.add("plangate.batches.lease-ttl", () -> "5m");
	}

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void anAdminWatchesABatchProgressLiveAndCancelsAnother() {
		// given: an enterprise customer's batch of five and a pro customer's of three
		var admin = Operators.create(anonymous, jdbc, "batches-browser", "admin", true, clock);
		var region = "cbb-" + UUID.randomUUID().toString().substring(0, 8);
		var enterprise = customer("northwind", "Northwind Robotics", "enterprise");
		var pro = customer("juniper", "Juniper Notes", "pro");
		var watched = submit(enterprise, region, 5, Map.of("continueOnError", true, "maxAttempts", 1));
		var doomed = submit(pro, region + "-other", 3, Map.of());
		var watchedId = watched.path("id").asString();
		var tasks = poll(region, 5);
		assertThat(tasks).hasSize(5);
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900));
		var page = context.newPage();
		signIn(page, admin);

		// when: the queue page
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Batches").setExact(true)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Batches").setExact(true)).waitFor();
		var row = page.locator("[data-batch-row='" + watchedId + "'] .counts");

		// then: it shows the batch as it is
		assertThat(row.textContent()).isEqualTo("0 done · 0 failed · 5 total");
		assertThat(page.locator("[data-priority='20']").count()).as("the enterprise tier's row").isPositive();
		page.evaluate("() => { window.notReloaded = true; }");

		// when: the worker ends two operations well and one badly
		complete(tasks.get(0));
		complete(tasks.get(1));
		fail(tasks.get(2), "GPU quota exhausted in " + region);

		// then: the page follows without a reload
		Awaitility.await()
			.atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> row.textContent().equals("2 done · 1 failed · 5 total"));
		assertThat(page.evaluate("() => window.notReloaded === true")).as("updated in place").isEqualTo(true);
		assertThat(page.locator("main").textContent()).contains("GPU quota exhausted in " + region);
		assertThat(page.locator("[data-figure='running-operations']").textContent()).isEqualTo("2");
		assertAccessible(page, "batches");
		screenshot(page, "console-batches.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "batches, dark");
		screenshot(page, "console-batches-dark.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));

		// when: the batch's own page, and the worker ends one more
		page.locator("[data-batch-row='" + watchedId + "'] a").first().click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Progress")).waitFor();
		assertThat(page.locator("[data-figure='succeeded']").textContent()).isEqualTo("2");
		assertThat(page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName(enterprise)).count()).isPositive();
		page.evaluate("() => { window.notReloaded = true; }");
		complete(tasks.get(3));

		// then
		Awaitility.await()
			.atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> "3".equals(page.locator("[data-figure='succeeded']").textContent()));
		assertThat(page.evaluate("() => window.notReloaded === true")).as("updated in place").isEqualTo(true);
		assertThat(page.locator("#batch-live").textContent()).contains("GPU quota exhausted in " + region,
				"Waited in the queue");
		assertAccessible(page, "batch");
		screenshot(page, "console-batch.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "batch, dark");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));

		// and once the last operation ends, the batch shows its end
		complete(tasks.get(4));
		Awaitility.await()
			.atMost(Duration.ofSeconds(15))
			.pollInterval(Duration.ofMillis(200))
			.until(() -> page.locator("#batch-live .badge").first().textContent().equals("completed with errors"));

		// when: cancelling the other batch
		open(page, "/console/batches/" + doomed.path("id").asString());
		page.getByLabel("Cancel this batch of " + pro).check();
		page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel batch")).click();

		// then
		page.getByRole(AriaRole.STATUS).getByText("Batch cancelled.").waitFor();
		assertThat(api.get(batchPath(doomed)).body().path("status").asString()).isEqualTo("cancelled");
		assertThat(page.locator("section[aria-labelledby=audit-heading]").textContent()).contains("batch.cancelled",
				"account:" + admin.accountId());
		assertAccessible(page, "batch after a cancel");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "batch after a cancel, dark");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.LIGHT));

		// and the overview's batch queue section
		page.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Overview").setExact(true)).click();
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Batch queue")).waitFor();
		assertThat(page.locator("#batch-summary [data-figure='failed-operations']").textContent()).isEqualTo("1");
		assertAccessible(page, "overview with the batch queue");
		screenshot(page, "console-overview-batches.png");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "overview with the batch queue, dark");
		context.close();
	}

	@Test
	void aSupportOperatorOnAPhoneReadsABatchButIsNotOfferedTheCancel() {
		// given
		var support = Operators.create(anonymous, jdbc, "batches-support", "support", true, clock);
		var batch = submit(customer("tessera", "Tessera Studio", "free"),
				"cbs-" + UUID.randomUUID().toString().substring(0, 8), 2, Map.of());
		var context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844));
		var page = context.newPage();
		signIn(page, support);

		// when
		open(page, "/console/batches/" + batch.path("id").asString());
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Progress")).waitFor();

		// then
		assertThat(page.getByText("Cancelling a batch takes an admin.").isVisible()).isTrue();
		assertThat(page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Cancel batch")).count())
			.isZero();
		assertAccessible(page, "batch, on a phone, for support");
		screenshot(page, "console-batch-phone.png");
		open(page, "/console/batches");
		page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Batches").setExact(true)).waitFor();
		assertAccessible(page, "batches, on a phone");
		page.emulateMedia(new Page.EmulateMediaOptions().setColorScheme(ColorScheme.DARK));
		assertAccessible(page, "batches, on a phone, dark");
		api.delete(batchPath(batch));
		context.close();
	}

	// --- helpers

	private String customer(String prefix, String name, String plan) {
		var id = uniqueId(prefix);
		var created = api.put("/v1/customers/" + id, Api.json(Map.of("name", name, "email", id + "@example.com")));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		if (!"free".equals(plan)) {
			var changed = api.post("/v1/customers/" + id + "/subscription", Api.json(Map.of("plan", plan)));
			assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
		}
		return id;
	}

	private JsonNode submit(String customer, String region, int operations, Map<String, Object> fields) {
		var body = new LinkedHashMap<String, Object>(fields);
		body.put("customerId", customer);
		body.put("region", region);
		var list = new ArrayList<Map<String, Object>>();
		for (int i = 0; i < operations; i++) {
			list.add(Map.of("type", "render_video", "payload", Map.of("clip", i)));
		}
		body.put("operations", list);
		var response = api.post("/v1/batches", Api.json(body));
		assertThat(response.status()).as(response.toString()).isEqualTo(202);
		return response.body();
	}

	private static String batchPath(JsonNode batch) {
		return "/v1/batches/" + batch.path("id").asString() + "?customerId="
				+ Api.encode(batch.path("customerId").asString());
	}

	private List<JsonNode> poll(String region, int max) {
		var response = api.post("/v1/worker/poll", Api
			.json(Map.of("workerId", "browser-worker", "regions", List.of(region), "max", max, "waitSeconds", 0)));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var taken = new ArrayList<JsonNode>();
		response.body().path("operations").forEach(taken::add);
		return taken;
	}

	private void complete(JsonNode task) {
		var response = api.post("/v1/worker/operations/" + task.path("id").asString() + "/complete",
				Api.json(Map.of("workerId", "browser-worker", "result", Map.of("ok", true))));
		assertThat(response.status()).as(response.toString()).isEqualTo(204);
	}

	private void fail(JsonNode task, String message) {
		var response = api.post("/v1/worker/operations/" + task.path("id").asString() + "/fail",
				Api.json(Map.of("workerId", "browser-worker", "error", Map.of("message", message, "code", "E_GPU"),
						"retryable", false)));
		assertThat(response.status()).as(response.toString()).isEqualTo(204);
	}

	/**
	 * Into target/screenshots, to look at; the README's images are ConsoleBrowserTest's.
	 */
	private static void screenshot(Page page, String name) {
		screenshot(page, SCREENSHOTS, name);
	}

}

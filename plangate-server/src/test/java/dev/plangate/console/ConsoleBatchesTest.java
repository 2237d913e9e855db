package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * The console's batch pages over plain HTTP: the queue by priority and customer, one
 * batch, the live fragments, the cancel (admins only, with its CSRF token, audited as the
 * API's), and the refusals. On a database of its own, so that the queue's figures are
 * this class's batches only.
 */
@FreshSchema
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBatchesTest extends ServerTest {

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "console_batches");
	}

	private static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\ssrc=)[^>]*>");

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	private final List<JsonNode> submitted = new ArrayList<>();

	@AfterEach
	void cancelWhatIsLeft() {
		// the system cap is shared: leave no batch processing for the next test
		for (var batch : submitted) {
			api.delete(batchPath(batch));
		}
	}

	@Test
	@Order(1) // first: the other tests' operations would count in its figures
	void theQueuePageShowsWorkByPriorityAndCustomerRunningBatchesAndFailures() {
		// given: an enterprise customer's batch (priority 20) with one operation done,
		// and
		// a free customer's batch (priority 0) failed by its operation
		var region = region();
		var enterprise = customer("queue-ent", "enterprise");
		var free = customer("queue-free", "free");
		var big = submit(enterprise, region, 3, Map.of());
		var small = submit(free, region, 1, Map.of("maxAttempts", 1));
		var taken = poll(region, 4);
		assertThat(taken).hasSize(4);
		for (var task : taken) {
			if (task.path("batchId").asString().equals(small.path("id").asString())) {
				workerFails(task, "the agent ran out of memory");
			}
		}
		workerCompletes(taken.stream()
			.filter(t -> t.path("batchId").asString().equals(big.path("id").asString()))
			.findFirst()
			.orElseThrow());
		var support = signedIn("support");

		// when
		var page = support.get("/console/batches");
		var stats = api.get("/v1/admin/stats/batches");

		// then
		assertThat(page.status()).as(page.toString()).isEqualTo(200);
		assertThat(page.body()).contains("<h1>Batches</h1>", enterprise, free, "the agent ran out of memory",
				"data-priority=\"20\"", "data-priority=\"0\"", "1 done · 0 failed · 3 total",
				"/webjars/htmx.org/2.0.4/dist/htmx.min.js", "hx-get=\"/console/batches/live\"",
				"aria-current=\"page\">Batches</a>");
		assertThat(stats.status()).as(stats.toString()).isEqualTo(200);
		var figures = stats.body();
		assertThat(figures.path("processingBatches").asLong()).isEqualTo(1);
		assertThat(figures.path("runningOperations").asLong()).isEqualTo(2);
		assertThat(figures.path("failedOperations").asLong()).isEqualTo(1);
		var top = figures.path("byPriority").get(0);
		assertThat(top.path("priority").asInt()).as("highest first: %s", figures).isEqualTo(20);
		assertThat(top.path("runningOperations").asLong()).isEqualTo(2);
		assertThat(figures.path("topCustomers").get(0).path("customerId").asString()).isEqualTo(enterprise);
		var lastMinute = figures.path("throughput").get(0);
		assertThat(lastMinute.path("minutes").asInt()).isEqualTo(1);
		assertThat(lastMinute.path("succeeded").asLong()).isEqualTo(1);
		assertThat(lastMinute.path("failed").asLong()).isEqualTo(1);
		assertThat(lastMinute.path("perMinute").asDouble()).isEqualTo(2.0);

		// and filtered by customer and status
		var filtered = support.get("/console/batches?status=failed&customer=" + free);
		assertThat(filtered.status()).isEqualTo(200);
		assertThat(filtered.body()).contains(small.path("id").asString())
			.doesNotContain("data-batch-row=\"" + big.path("id").asString());
		var live = liveRefresh(support, "/console/batches/live?status=active");
		assertThat(live.statusCode()).isEqualTo(200);
		assertThat(live.body()).startsWith("<div id=\"batches-live\"")
			.doesNotContain("<html")
			.contains("data-batch-row=\"" + big.path("id").asString())
			.doesNotContain("data-batch-row=\"" + small.path("id").asString());
		taken.stream()
			.filter(t -> t.path("batchId").asString().equals(big.path("id").asString()))
			.skip(1)
			.forEach(this::workerCompletes);
	}

	@Test
	void aBatchPageShowsItsCustomerProgressFailedOperationsAndTimings() {
		// given
		var region = region();
		var customer = customer("page", "pro");
		var batch = submit(customer, region, 2, Map.of("continueOnError", true, "maxAttempts", 1));
		var taken = poll(region, 2);
		workerFails(taken.get(0), "upstream said <b>no</b>");
		workerCompletes(taken.get(1));
		var support = signedIn("support");

		// when
		var page = support.get("/console/batches/" + batch.path("id").asString());
		var live = liveRefresh(support, "/console/batches/" + batch.path("id").asString() + "/live");

		// then
		assertThat(page.status()).as(page.toString()).isEqualTo(200);
		assertThat(page.body())
			.contains("href=\"/console/customers/" + customer + "\"", "completed with errors",
					"upstream said &lt;b&gt;no&lt;/b&gt;", "1 done · 1 failed · 2 total", "Waited in the queue",
					"Ran for", "The batch has ended: there is nothing to cancel.")
			.as("an ended batch is not refreshed")
			.doesNotContain("hx-trigger=\"every");
		assertThat(live.statusCode()).isEqualTo(200);
		assertThat(live.body()).startsWith("<div id=\"batch-live\"").contains("data-figure=\"failed\">1<");
	}

	@Test
	void supportMayNotCancelAnAdminCancelsWithItsCsrfTokenAndConfirmationAuditedAsTheApi() {
		// given
		var region = region();
		var customer = customer("cancel", "free");
		var batch = submit(customer, region, 3, Map.of());
		var id = batch.path("id").asString();
		var support = signedIn("support");
		var admin = signedIn("admin");
		var supportPage = support.get("/console/batches/" + id);
		admin.get("/console/batches/" + id);

		// when
		var bySupport = support.post("/console/batches/" + id + "/cancel", Map.of("confirm", "yes"));
		var withoutToken = admin.postRaw("/console/batches/" + id + "/cancel", Map.of("confirm", "yes"));
		var unconfirmed = admin.post("/console/batches/" + id + "/cancel", Map.of());
		var toldToConfirm = admin.get("/console/batches/" + id);
		var statusBefore = api.get(batchPath(batch)).body().path("status").asString();
		var cancelled = admin.post("/console/batches/" + id + "/cancel", Map.of("confirm", "yes"));
		var after = admin.get("/console/batches/" + id);
		var again = admin.post("/console/batches/" + id + "/cancel", Map.of("confirm", "yes"));
		var afterAgain = admin.get("/console/batches/" + id);

		// then
		assertThat(supportPage.body()).contains("Cancelling a batch takes an admin.").doesNotContain("Cancel batch<");
		assertThat(bySupport.status()).isEqualTo(403);
		assertThat(bySupport.body()).contains("Not allowed");
		assertThat(withoutToken.status()).isEqualTo(403);
		assertThat(unconfirmed.status()).isEqualTo(302);
		assertThat(toldToConfirm.body()).contains("Tick the confirmation to cancel the batch.");
		assertThat(statusBefore).as("refusals changed nothing").isEqualTo("processing");
		assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(302);
		assertThat(cancelled.location()).endsWith("/console/batches/" + id);
		assertThat(api.get(batchPath(batch)).body().path("status").asString()).isEqualTo("cancelled");
		assertThat(after.body()).contains("Batch cancelled.", "batch.cancelled", "account:");
		assertThat(again.status()).isEqualTo(302);
		assertThat(afterAgain.body()).contains("there is nothing to cancel");
		var audit = api.get("/v1/admin/audit-events?targetType=batch&targetId=" + id).body().path("data");
		assertThat(audit.size()).as("one record: %s", audit).isEqualTo(1);
		assertThat(audit.get(0).path("action").asString()).isEqualTo("batch.cancelled");
		assertThat(audit.get(0).path("actor").asString()).startsWith("account:");
		assertThat(audit.get(0).path("after").path("customerId").asString()).isEqualTo(customer);
	}

	@Test
	void theApisCancelIsAuditedWithItsKey() {
		// given
		var batch = submit(customer("api-cancel", "free"), region(), 1, Map.of());

		// when
		var cancelled = api.delete(batchPath(batch));

		// then
		assertThat(cancelled.status()).as(cancelled.toString()).isEqualTo(200);
		var audit = api.get("/v1/admin/audit-events?targetType=batch&targetId=" + batch.path("id").asString())
			.body()
			.path("data");
		assertThat(audit.get(0).path("action").asString()).isEqualTo("batch.cancelled");
		assertThat(audit.get(0).path("actor").asString()).startsWith("api_key:");
	}

	@Test
	void unknownBatchesAndBadFiltersAreRefusedOnThePage() {
		// given
		var support = signedIn("support");
		var admin = signedIn("admin");
		admin.get("/console/batches");

		// when
		var unknown = support.get("/console/batches/" + UUID.randomUUID());
		var unknownLive = support.get("/console/batches/" + UUID.randomUUID() + "/live");
		var notAnId = support.get("/console/batches/not-a-batch");
		var cancelUnknown = admin.post("/console/batches/" + UUID.randomUUID() + "/cancel", Map.of("confirm", "yes"));
		var badStatus = support.get("/console/batches?status=exploded");
		var scriptStatus = support.get("/console/batches?status=%3Cscript%3E");
		var longCustomer = support.get("/console/batches?customer=" + "x".repeat(201));
		var unknownCustomer = support.get("/console/batches?customer=nobody-" + UUID.randomUUID());

		// then
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.body()).contains("There is no batch", "Back to the overview");
		assertThat(unknownLive.status()).isEqualTo(404);
		assertThat(notAnId.status()).isEqualTo(400);
		assertThat(notAnId.body()).contains("Bad request");
		assertThat(cancelUnknown.status()).isEqualTo(404);
		assertThat(badStatus.status()).isEqualTo(400);
		assertThat(badStatus.body()).contains("Unknown status: choose one of the list.", "<h1>Batches</h1>");
		assertThat(scriptStatus.status()).isEqualTo(400);
		assertThat(scriptStatus.body()).doesNotContain("<script>");
		assertThat(longCustomer.status()).isEqualTo(400);
		assertThat(longCustomer.body()).contains("at most 200 characters");
		assertThat(unknownCustomer.status()).isEqualTo(404);
		assertThat(unknownCustomer.body()).contains("nobody-", "<h1>Batches</h1>");
	}

	@Test
	void thePagesAndTheirLiveFragmentsCarryTheStrictPolicyAndNoInlineScriptOrStyle() {
		// given
		var batch = submit(customer("headers", "free"), region(), 1, Map.of());
		var support = signedIn("support");
		var id = batch.path("id").asString();

		// when
		var pages = List.of(support.get("/console/batches"), support.get("/console/batches/" + id),
				support.get("/console/batches/live"), support.get("/console/batches/" + id + "/live"),
				support.get("/console/batches/summary/live"));
		var htmx = support.get("/webjars/htmx.org/2.0.4/dist/htmx.min.js");

		// then
		for (var page : pages) {
			assertThat(page.status()).as(page.toString()).isEqualTo(200);
			assertThat(page.header("Content-Security-Policy")).startsWith("default-src 'self';")
				.doesNotContain("unsafe");
			assertThat(page.header("Cache-Control")).contains("no-store");
			assertThat(INLINE_SCRIPT.matcher(page.body()).find()).as("inline script in %s", page.body()).isFalse();
			assertThat(page.body()).doesNotContain("<style")
				.doesNotContain(" style=")
				.doesNotContain("javascript:")
				.doesNotContain("hx-on");
		}
		assertThat(htmx.status()).isEqualTo(200);
		assertThat(htmx.header("Content-Type")).contains("javascript");
	}

	@Test
	void aLiveRefreshWithoutASessionLoadsTheSignInPageAsAWhole() {
		// given
		var nobody = new ConsoleClient(port);

		// when
		var refresh = liveRefresh(nobody, "/console/batches/live");
		var page = nobody.get("/console/batches");
		var apiWithoutKey = anonymous.get("/v1/admin/stats/batches");

		// then
		assertThat(refresh.statusCode()).isEqualTo(401);
		assertThat(refresh.headers().firstValue("HX-Redirect")).hasValue("/console/login");
		assertThat(refresh.body()).doesNotContain("<form");
		assertThat(page.status()).isEqualTo(302);
		assertThat(page.location()).endsWith("/console/login");
		assertThat(apiWithoutKey.status()).isEqualTo(401);
	}

	@Test
	void theOverviewHasTheBatchQueueRefreshedInPlace() {
		// given
		var batch = submit(customer("overview", "pro"), region(), 2, Map.of());
		var support = signedIn("support");

		// when
		var overview = support.get("/console");
		var live = liveRefresh(support, "/console/batches/summary/live");

		// then
		assertThat(overview.status()).isEqualTo(200);
		assertThat(overview.body()).contains("Batch queue", "hx-get=\"/console/batches/summary/live\"",
				"data-priority=\"10\"");
		assertThat(live.statusCode()).isEqualTo(200);
		assertThat(live.body()).startsWith("<div id=\"batch-summary\"")
			.contains("data-figure=\"processing-batches\">1<");
		assertThat(batch.path("status").asString()).isEqualTo("processing");
	}

	// --- helpers

	private ConsoleClient signedIn(String role) {
		var operator = Operators.create(anonymous, jdbc, "batches-" + role, role, true, clock);
		var client = new ConsoleClient(port);
		var signedIn = client.signIn(operator.email(), operator.password(), operator.nextCode());
		assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(302);
		return client;
	}

	/**
	 * What htmx sends to refresh a page's live part, with the client's session cookie.
	 */
	private HttpResponse<String> liveRefresh(ConsoleClient client, String path) {
		var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.header("HX-Request", "true")
			.GET();
		var session = client.cookie("PLANGATE_CONSOLE");
		if (session != null) {
			request.header("Cookie", "PLANGATE_CONSOLE=" + session);
		}
		try {
			return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private String customer(String prefix, String plan) {
		var id = newCustomer(prefix);
		if (!"free".equals(plan)) {
			var changed = api.post("/v1/customers/" + id + "/subscription", Api.json(Map.of("plan", plan)));
			assertThat(changed.status()).as(changed.toString()).isEqualTo(200);
		}
		return id;
	}

	private static String region() {
		return "cb-" + UUID.randomUUID().toString().substring(0, 8);
	}

	private JsonNode submit(String customer, String region, int operations, Map<String, Object> fields) {
		var body = new LinkedHashMap<String, Object>(fields);
		body.put("customerId", customer);
		body.put("region", region);
		var list = new ArrayList<Map<String, Object>>();
		for (int i = 0; i < operations; i++) {
			list.add(Map.of("type", "spawn_agent", "payload", Map.of("n", i)));
		}
		body.put("operations", list);
		var response = api.post("/v1/batches", Api.json(body));
		assertThat(response.status()).as(response.toString()).isEqualTo(202);
		submitted.add(response.body());
		return response.body();
	}

	private static String batchPath(JsonNode batch) {
		return "/v1/batches/" + batch.path("id").asString() + "?customerId="
				+ Api.encode(batch.path("customerId").asString());
	}

	private List<JsonNode> poll(String region, int max) {
		var response = api.post("/v1/worker/poll",
				Api.json(Map.of("workerId", "console-test", "regions", List.of(region), "max", max, "waitSeconds", 0)));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var taken = new ArrayList<JsonNode>();
		response.body().path("operations").forEach(taken::add);
		return taken;
	}

	private void workerCompletes(JsonNode task) {
		var response = api.post("/v1/worker/operations/" + task.path("id").asString() + "/complete",
				Api.json(Map.of("workerId", "console-test", "result", Map.of("ok", true))));
		assertThat(response.status()).as(response.toString()).isEqualTo(204);
	}

	private void workerFails(JsonNode task, String message) {
		var response = api.post("/v1/worker/operations/" + task.path("id").asString() + "/fail",
				Api.json(Map.of("workerId", "console-test", "error", Map.of("message", message, "code", "E_AGENT"),
						"retryable", false)));
		assertThat(response.status()).as(response.toString()).isEqualTo(204);
	}

}

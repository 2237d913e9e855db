package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.util.HtmlUtils;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

/**
 * The console's plans pages over plain HTTP: what they show, who may change a plan there,
 * and that a change goes through the catalog's own checks, audit and migration.
 */
class ConsolePlansTest extends ServerTest {

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void theListAndAPlanShowVersionsSubscribersPricesAndADiffOfTwoVersions() {
		// given: a plan at version 2, with one subscriber on each version
		var plan = newPlan("Console Growth");
		subscribe(newCustomer("plans-v1"), plan);
		var onV2 = newCustomer("plans-v2");
		var support = signedIn("plans-read", "support");
		updateToV2(plan);
		subscribe(onV2, plan);

		// when
		var list = support.get("/console/plans");
		var page = support.get("/console/plans/" + plan);
		var diff = support.get("/console/plans/" + plan + "?compare=1&with=2");

		// then
		assertThat(list.status()).isEqualTo(200);
		assertThat(list.body())
			.contains(">Plans</a>", "Console Growth", "<code>" + plan + "</code>", ">v2<", "24.00 USD a month",
					"API calls per month: 0.02 USD per 100 call over")
			.contains("aria-current=\"page\">Plans");
		assertThat(row(list.body(), plan)).contains(">2<");
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.body()).contains("Current version: v2", "What v2 grants", "8,000 call / month")
			.contains("Publishing versions, archiving, activating and moving subscribers take")
			.doesNotContain("Publish a new version</a>", "Archive</button>");
		assertThat(diff.status()).isEqualTo(200);
		assertThat(diff.body()).contains("v1 → v2: ", "1 added, 1 removed, 2 changed")
			.contains("19.00 USD a month", "24.00 USD a month")
			.contains("5,000 call / month", "8,000 call / month, then 0.02 USD per 100 call over")
			.contains("<span>Added</span>", "<span>Removed</span>", "<span>Changed</span>");
	}

	@Test
	void aSupportOperatorReadsPlansButIsRefusedEveryChange() {
		// given
		var plan = planWithTwoVersions("Console Support View");
		var support = signedIn("plans-support", "support");
		support.get("/console/plans/" + plan);

		// when
		var refused = new ArrayList<ConsoleClient.Page>();
		refused.add(support.get("/console/plans/" + plan + "/edit"));
		refused.add(support.post("/console/plans/" + plan + "/edit", Map.of("name", "Renamed", "price", "100")));
		refused.add(support.post("/console/plans/" + plan + "/edit/document",
				Map.of("document", "name: Renamed\nprice: 100\n")));
		refused.add(support.post("/console/plans/" + plan + "/archive", Map.of("confirm", "yes")));
		refused.add(support.post("/console/plans/" + plan + "/activate", Map.of()));
		refused.add(support.post("/console/plans/" + plan + "/migration", Map.of("to", "1", "confirm", "yes")));
		var preview = support.get("/console/plans/" + plan + "/migration?to=1");

		// then
		for (var page : refused) {
			assertThat(page.status()).as(page.toString()).isEqualTo(403);
			assertThat(page.body()).contains("Not allowed", "<html");
		}
		assertThat(preview.status()).as("a preview changes nothing: support reads it").isEqualTo(200);
		assertThat(preview.body()).contains("Moving subscribers takes an admin.")
			.doesNotContain("Move subscribers</button>");
		assertUnchanged(plan, 2, "active");
	}

	@Test
	void aFormWithoutItsCsrfTokenChangesNoPlan() {
		// given
		var plan = planWithTwoVersions("Console Csrf");
		var admin = signedIn("plans-csrf", "admin");
		admin.get("/console/plans/" + plan);

		// when
		var refused = List.of(admin.postRaw("/console/plans/" + plan + "/archive", Map.of("confirm", "yes")),
				admin.postRaw("/console/plans/" + plan + "/edit", Map.of("name", "Renamed", "price", "100")),
				admin.postRaw("/console/plans/" + plan + "/edit/document",
						Map.of("_csrf", "forged", "document", "name: Renamed\nprice: 100\n")),
				admin.postRaw("/console/plans/" + plan + "/migration", Map.of("to", "1", "confirm", "yes")));

		// then
		for (var page : refused) {
			assertThat(page.status()).as(page.toString()).isEqualTo(403);
		}
		assertUnchanged(plan, 2, "active");
	}

	@Test
	void aVersionTheCatalogRefusesIsShownWithTheCatalogsMessagesAndPublishesNothing() {
		// given
		var plan = planWithTwoVersions("Console Invalid");
		var admin = signedIn("plans-invalid", "admin");
		var api422 = api.put("/v1/admin/plans/" + plan,
				Api.json(Map.of("price", -5, "entitlements", Map.of("api_calls", "lots"))));
		assertThat(api422.status()).isEqualTo(422);
		var edit = admin.get("/console/plans/" + plan + "/edit");
		var form = new LinkedHashMap<String, String>(formOf(edit.body()));
		form.put("price", "-5");
		form.put("entitlement.api_calls", "lots");

		// when
		var fromForm = admin.post("/console/plans/" + plan + "/edit", form);
		var notYaml = admin.post("/console/plans/" + plan + "/edit/document",
				Map.of("document", "name: [unclosed\nprice: 1"));
		var unknownField = admin.post("/console/plans/" + plan + "/edit/document",
				Map.of("document", "{\"price\": 100, \"colour\": \"red\"}"));
		var otherKey = admin.post("/console/plans/" + plan + "/edit/document",
				Map.of("document", "key: another_plan\nprice: 100\n"));
		var empty = admin.post("/console/plans/" + plan + "/edit/document", Map.of("document", " "));

		// then
		assertThat(fromForm.status()).as(fromForm.toString()).isEqualTo(422);
		assertThat(fromForm.body()).contains("What to fix", "nothing was published")
			.as("the entered values stay in the form")
			.contains("value=\"-5\"", "value=\"lots\"");
		api422.body()
			.path("errors")
			.forEach(e -> assertThat(fromForm.body()).contains(HtmlUtils.htmlEscape(e.path("message").asString())));
		assertThat(notYaml.status()).isEqualTo(422);
		assertThat(notYaml.body()).contains("This is neither YAML nor JSON", "[unclosed");
		assertThat(unknownField.status()).isEqualTo(422);
		assertThat(unknownField.body()).contains("unknown field &#39;colour&#39;");
		assertThat(otherKey.status()).isEqualTo(422);
		assertThat(otherKey.body()).contains("The key in the body must match the path");
		assertThat(empty.status()).isEqualTo(422);
		assertUnchanged(plan, 2, "active");
	}

	@Test
	void anUnknownPlanIsANotFoundPage() {
		// given
		var admin = signedIn("plans-unknown", "admin");
		admin.get("/console/plans");

		// when
		var page = admin.get("/console/plans/no_such_plan_here");
		var edit = admin.get("/console/plans/no_such_plan_here/edit");
		var archive = admin.post("/console/plans/no_such_plan_here/archive", Map.of("confirm", "yes"));
		var preview = admin.get("/console/plans/no_such_plan_here/migration");
		var script = admin.get("/console/plans/%3Cscript%3Ealert(1)");
		var badVersion = admin.get("/console/plans/free?compare=one");

		// then
		for (var notFound : List.of(page, edit, archive, preview, script)) {
			assertThat(notFound.status()).as(notFound.toString()).isEqualTo(404);
			assertThat(notFound.body()).contains("<html", "does not exist").doesNotContain("<script>alert(1)");
		}
		assertThat(badVersion.status()).isEqualTo(400);
		assertThat(badVersion.body()).contains("<html");
	}

	@Test
	void aPlanNamedLikeAScriptIsShownAsText() {
		// given
		var plan = planWithTwoVersions("<script>alert(1)</script>");
		var admin = signedIn("plans-xss", "admin");

		// when
		var pages = List.of(admin.get("/console/plans"), admin.get("/console/plans/" + plan),
				admin.get("/console/plans/" + plan + "/edit"), admin.get("/console/plans/" + plan + "/migration"));

		// then
		for (var page : pages) {
			assertThat(page.status()).as(page.toString()).isEqualTo(200);
			assertThat(page.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;")
				.doesNotContain("<script>alert(1)");
			assertThat(page.body()).as("no inline style or script under the console's CSP")
				.doesNotContain(" style=", "<style")
				.doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>");
		}
	}

	@Test
	void anAdminPublishesArchivesActivatesAndMovesSubscribersThroughTheAuditedServices() {
		// given: two subscribers on version 1 of a plan at version 2
		var plan = newPlan("Console Admin");
		var first = newCustomer("plans-move");
		var second = newCustomer("plans-move");
		subscribe(first, plan);
		subscribe(second, plan);
		updateToV2(plan);
		var admin = signedIn("plans-admin", "admin");

		// when: publishing from the form, then from the text, then the same again
		var edit = admin.get("/console/plans/" + plan + "/edit");
		var form = new LinkedHashMap<String, String>(formOf(edit.body()));
		form.put("price", "2500");
		form.put("entitlement.sso", "true");
		var fromForm = admin.post("/console/plans/" + plan + "/edit", form);
		var afterForm = admin.get("/console/plans/" + plan);
		var document = "key: " + plan + "\nname: Console Admin\nprice: 2600\nentitlements:\n  api_calls: 9000\n";
		var fromText = admin.post("/console/plans/" + plan + "/edit/document", Map.of("document", document));
		var afterText = admin.get("/console/plans/" + plan);
		var again = admin.post("/console/plans/" + plan + "/edit/document", Map.of("document", document));
		var afterAgain = admin.get("/console/plans/" + plan);

		// then
		assertThat(fromForm.status()).as(fromForm.toString()).isEqualTo(302);
		assertThat(afterForm.body()).contains("Version 3 published.", "25.00 USD a month");
		assertThat(fromText.status()).as(fromText.toString()).isEqualTo(302);
		assertThat(afterText.body()).contains("Version 4 published.", "26.00 USD a month", "9,000 call / month");
		assertThat(again.status()).isEqualTo(302);
		assertThat(afterAgain.body()).contains("Nothing differs from version 4: no new version.");
		var v3 = api.get("/v1/plans/" + plan + "?version=3").body();
		assertThat(v3.path("price").path("amount").asLong()).isEqualTo(2500);
		assertThat(v3.path("entitlements").path("sso").path("enabled").asBoolean()).isTrue();
		assertThat(v3.path("entitlements").path("api_calls").path("overage").path("per").asLong())
			.as("what the form did not touch stays")
			.isEqualTo(100);

		// when: archiving without, then with the confirmation, and activating
		var unconfirmed = admin.post("/console/plans/" + plan + "/archive", Map.of());
		var unconfirmedShown = admin.get("/console/plans/" + plan);
		var archive = admin.post("/console/plans/" + plan + "/archive", Map.of("confirm", "yes"));
		var archived = api.get("/v1/plans/" + plan).body().path("status").asString();
		var archivedShown = admin.get("/console/plans/" + plan);
		var activate = admin.post("/console/plans/" + plan + "/activate", Map.of());
		var activated = admin.get("/console/plans/" + plan);
		var defaultPlan = admin.post("/console/plans/free/archive", Map.of("confirm", "yes"));
		var defaultShown = admin.get("/console/plans/free");

		// then
		assertThat(unconfirmed.status()).isEqualTo(302);
		assertThat(unconfirmedShown.body()).contains("Tick the confirmation to archive the plan.");
		assertThat(archive.status()).isEqualTo(302);
		assertThat(archived).isEqualTo("archived");
		assertThat(archivedShown.body()).contains("Plan archived", "Activate</button>");
		assertThat(activate.status()).isEqualTo(302);
		assertThat(activated.body()).contains("Plan activated", "Archive</button>");
		assertThat(api.get("/v1/plans/" + plan).body().path("status").asString()).isEqualTo("active");
		assertThat(defaultPlan.status()).isEqualTo(302);
		assertThat(defaultShown.body()).contains("is the default plan for new customers and cannot be archived");
		assertThat(api.get("/v1/plans/free").body().path("status").asString()).isEqualTo("active");

		// when: previewing and moving the subscribers of version 1
		var preview = admin.get("/console/plans/" + plan + "/migration?from=1&to=4");
		var unknownVersion = admin.get("/console/plans/" + plan + "/migration?from=1&to=99");
		var unknownShown = admin.get("/console/plans/" + plan);
		var unconfirmedMove = admin.post("/console/plans/" + plan + "/migration", Map.of("from", "1", "to", "4"));
		var notANumber = admin.post("/console/plans/" + plan + "/migration",
				Map.of("from", "one", "to", "4", "confirm", "yes"));
		var move = admin.post("/console/plans/" + plan + "/migration",
				Map.of("from", "1", "to", "4", "confirm", "yes"));
		var moved = admin.get("/console/plans/" + plan);

		// then
		assertThat(preview.status()).isEqualTo(200);
		assertThat(preview.body()).contains("<strong>2</strong>", "subscriptions move from v1 to v4.", first, second,
				"Move subscribers</button>");
		assertThat(unknownVersion.status()).isEqualTo(302);
		assertThat(unknownShown.body()).contains("has no version 99");
		assertThat(unconfirmedMove.status()).isEqualTo(302);
		assertThat(unconfirmedMove.location()).endsWith("/console/plans/" + plan + "/migration?from=1&to=4");
		assertThat(admin.get(unconfirmedMove.location().replaceFirst("^https?://[^/]+", "")).body())
			.contains("Tick the confirmation to move the subscriptions.");
		assertThat(notANumber.status()).isEqualTo(400);
		assertThat(notANumber.body()).contains("<html", "The request is not one this page understands.");
		assertThat(move.status()).as(move.toString()).isEqualTo(302);
		assertThat(moved.body()).contains("2 subscriptions moved to version 4.");
		for (var customer : List.of(first, second)) {
			assertThat(
					api.get("/v1/customers/" + customer + "/subscription").body().path("plan").path("version").asInt())
				.isEqualTo(4);
		}
		var audit = api.get("/v1/admin/audit-events?targetType=plan&targetId=" + plan).body().path("data");
		var actions = new ArrayList<String>();
		audit.forEach(e -> actions.add(e.path("action").asString() + " " + e.path("actor").asString()));
		var by = " account:" + admin.accountId();
		assertThat(actions).contains("plan.version_created" + by, "plan.archived" + by, "plan.activated" + by,
				"plan.subscribers_migrated" + by);
		var history = api.get("/v1/customers/" + first + "/subscription/history").body().path("data");
		assertThat(history.get(history.size() - 1).path("action").asString()).isEqualTo("migrated");
	}

	// helpers

	private record SignedIn(ConsoleClient client, String accountId) {

		ConsoleClient.Page get(String path) {
			return client.get(path);
		}

		ConsoleClient.Page post(String path, Map<String, String> form) {
			return client.post(path, form);
		}

		ConsoleClient.Page postRaw(String path, Map<String, String> form) {
			return client.postRaw(path, form);
		}

	}

	private SignedIn signedIn(String prefix, String role) {
		var operator = Operators.create(anonymous, jdbc, prefix, role, true, clock);
		var client = new ConsoleClient(port);
		var signIn = client.signIn(operator.email(), operator.password(), operator.nextCode());
		assertThat(signIn.status()).as(signIn.toString()).isEqualTo(302);
		return new SignedIn(client, operator.accountId());
	}

	/** A plan of its own at version 1: 19.00 USD, 5,000 API calls, no single sign-on. */
	private String newPlan(String name) {
		var key = uniqueKey("console");
		var created = api.post("/v1/admin/plans", Api.json(Map.of("key", key, "name", name, "price", 1900,
				"entitlements", Map.of("api_calls", 5000, "sso", false, "support", "email"))));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return key;
	}

	private String planWithTwoVersions(String name) {
		var key = newPlan(name);
		updateToV2(key);
		return key;
	}

	/**
	 * Version 2: a higher price, more API calls with overage, advanced analytics added,
	 * single sign-on no longer listed.
	 */
	private void updateToV2(String key) {
		var updated = api.put("/v1/admin/plans/" + key,
				Api.json(Map.of("name", nameOf(key), "price", 2400, "entitlements",
						Map.of("api_calls", Map.of("limit", 8000, "overage", Map.of("price", 2, "per", 100)),
								"advanced_analytics", true, "support", "email"))));
		assertThat(updated.status()).as(updated.toString()).isEqualTo(200);
		assertThat(updated.body().path("version").asInt()).isEqualTo(2);
	}

	private String nameOf(String key) {
		return api.get("/v1/plans/" + key).body().path("name").asString();
	}

	private void subscribe(String customer, String plan) {
		var response = api.post("/v1/customers/" + customer + "/subscription", Api.json(Map.of("plan", plan)));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private void assertUnchanged(String plan, int versions, String status) {
		assertThat(api.get("/v1/admin/plans/" + plan + "/versions").body().path("data").size()).isEqualTo(versions);
		var current = api.get("/v1/plans/" + plan).body();
		assertThat(current.path("status").asString()).isEqualTo(status);
		assertThat(current.path("version").asInt()).isEqualTo(versions);
	}

	/** The table row of the list that names the plan's key. */
	private static String row(String body, String key) {
		int at = body.indexOf("<code>" + key + "</code>");
		return body.substring(at, body.indexOf("</tr>", at));
	}

	/** The values of the edit page's form, as a browser would send them back. */
	private static Map<String, String> formOf(String body) {
		var form = new LinkedHashMap<String, String>();
		var start = body.indexOf("<form class=\"stack\" method=\"post\"");
		var end = body.indexOf("</form>", start);
		var html = body.substring(start, end);
		var inputs = java.util.regex.Pattern.compile("<input[^>]*?name=\"([^\"]+)\"[^>]*?value=\"([^\"]*)\"")
			.matcher(html);
		while (inputs.find()) {
			form.put(inputs.group(1), HtmlUtils.htmlUnescape(inputs.group(2)));
		}
		var selected = java.util.regex.Pattern
			.compile("<select[^>]*name=\"([^\"]+)\"[\\s\\S]*?<option value=\"([^\"]+)\" selected")
			.matcher(html);
		while (selected.find()) {
			form.put(selected.group(1), selected.group(2));
		}
		form.remove("_csrf");
		return form;
	}

}

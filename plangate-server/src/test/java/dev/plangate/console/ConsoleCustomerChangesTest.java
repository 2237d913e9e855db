package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * A customer's page over plain HTTP: overrides, grants and deletion made by an admin
 * through the API's services, refused to support, without a CSRF token and for bad input;
 * and the leases, organizations, batches and usage chart it shows.
 */
class ConsoleCustomerChangesTest extends ServerTest {

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void anAdminSetsAnOverrideWithItsReasonShownAsTheEntitlementsSourceThenRemovesIt() {
		// given
		var admin = Operators.create(anonymous, jdbc, "cust-override", "admin", true, clock);
		var customer = newCustomer("cust-override");
		var browser = signedIn(admin);
		var before = browser.get(page(customer));

		// when
		var set = browser.post(page(customer) + "/overrides",
				Map.of("feature", "api_calls", "value", "5000", "reason", "Deal <b>signed</b>"));
		var shown = browser.get(page(customer));
		var overrides = api.get("/v1/customers/" + customer + "/overrides").body().path("data");
		var entitled = api.get("/v1/customers/" + customer + "/entitlements")
			.body()
			.path("features")
			.path("api_calls")
			.path("limit")
			.asLong();
		var remove = browser.post(page(customer) + "/overrides/api_calls/remove", Map.of());
		var removed = browser.get(page(customer));

		// then
		assertThat(before.body()).contains("No override: the plan decides.", "Set override</button>");
		assertThat(set.status()).as(set.toString()).isEqualTo(302);
		assertThat(set.location()).endsWith(page(customer) + "#overrides-heading");
		assertThat(shown.body()).contains("Override of api_calls set.", "Deal &lt;b&gt;signed&lt;/b&gt;")
			.doesNotContain("Deal <b>");
		assertThat(row(shown.body(), "data-feature=\"api_calls\"")).contains("5,000", "source-override");
		assertThat(overrides.size()).isEqualTo(1);
		assertThat(overrides.get(0).path("reason").asString()).isEqualTo("Deal <b>signed</b>");
		assertThat(overrides.get(0).path("setBy").asString()).isEqualTo("account:" + admin.accountId());
		assertThat(entitled).isEqualTo(5000);
		assertThat(remove.status()).isEqualTo(302);
		assertThat(removed.body()).contains("Override of api_calls removed.", "No override: the plan decides.");
		assertThat(row(removed.body(), "data-feature=\"api_calls\"")).contains("source-plan")
			.doesNotContain("source-override");
		assertThat(audit(customer)).contains("override.set account:" + admin.accountId(),
				"override.removed account:" + admin.accountId());
	}

	@Test
	void badOverrideFormsAreRefusedOnThePageAndChangeNothing() {
		// given
		var admin = Operators.create(anonymous, jdbc, "cust-override-bad", "admin", true, clock);
		var customer = newCustomer("cust-override-bad");
		var browser = signedIn(admin);
		browser.get(page(customer));

		// when
		var unknownFeature = refusal(browser, customer, "/overrides",
				Map.of("feature", "no_such_feature", "value", "5", "reason", "r"));
		var noFeature = refusal(browser, customer, "/overrides", Map.of("value", "5", "reason", "r"));
		var noReason = refusal(browser, customer, "/overrides", Map.of("feature", "api_calls", "value", "5"));
		var blankReason = refusal(browser, customer, "/overrides",
				Map.of("feature", "api_calls", "value", "5", "reason", "   "));
		var longReason = refusal(browser, customer, "/overrides",
				Map.of("feature", "api_calls", "value", "5", "reason", "r".repeat(501)));
		var noValue = refusal(browser, customer, "/overrides", Map.of("feature", "api_calls", "reason", "r"));
		var badValue = refusal(browser, customer, "/overrides",
				Map.of("feature", "api_calls", "value", "<i>lots</i>", "reason", "r"));
		var badSwitch = refusal(browser, customer, "/overrides",
				Map.of("feature", "sso", "value", "12", "reason", "r"));
		var notOverridden = refusal(browser, customer, "/overrides/api_calls/remove", Map.of());

		// then
		assertThat(unknownFeature).contains("Choose a feature of the catalog.");
		assertThat(noFeature).contains("Choose a feature of the catalog.");
		assertThat(noReason).contains("Give the reason for the override");
		assertThat(blankReason).contains("Give the reason for the override");
		assertThat(longReason).contains("Give the reason for the override");
		assertThat(noValue).contains("Enter the value");
		assertThat(badValue).contains("The value does not fit quota feature", "&lt;i&gt;").doesNotContain("<i>lots");
		assertThat(badSwitch).contains("The value does not fit switch feature");
		assertThat(notOverridden).contains("has no override for");
		assertThat(api.get("/v1/customers/" + customer + "/overrides").body().path("data").size()).isZero();
		assertThat(audit(customer)).noneMatch(a -> a.startsWith("override."));
	}

	@Test
	void anAdminAddsAGrantShownInTheEntitlementsThenRevokesIt() {
		// given
		var admin = Operators.create(anonymous, jdbc, "cust-grant", "admin", true, clock);
		var customer = newCustomer("cust-grant");
		var browser = signedIn(admin);
		browser.get(page(customer));
		var expires = LocalDate.now(clock.withZone(ZoneOffset.UTC)).plusDays(20);

		// when
		var add = browser.post(page(customer) + "/grants", Map.of("feature", "api_calls", "amount", "1,500", "expires",
				expires.toString(), "reason", "Outage credit <3"));
		var shown = browser.get(page(customer));
		var grants = api.get("/v1/customers/" + customer + "/grants").body().path("data");
		var id = grants.get(0).path("id").asString();
		var revoke = browser.post(page(customer) + "/grants/" + id + "/revoke", Map.of());
		var revoked = browser.get(page(customer));
		var again = refusal(browser, customer, "/grants/" + id + "/revoke", Map.of());

		// then
		assertThat(add.status()).as(add.toString()).isEqualTo(302);
		assertThat(shown.body()).contains("Grant of 1500 api_calls added.", "Outage credit &lt;3",
				expires + " 00:00 UTC");
		assertThat(row(shown.body(), "data-feature=\"api_calls\"")).contains("source-plan", "+ grant: 1,500 left");
		assertThat(grants.size()).isEqualTo(1);
		assertThat(grants.get(0).path("amount").asLong()).isEqualTo(1500);
		assertThat(grants.get(0).path("reason").asString()).isEqualTo("Outage credit <3");
		assertThat(grants.get(0).path("createdBy").asString()).isEqualTo("account:" + admin.accountId());
		assertThat(revoke.status()).isEqualTo(302);
		assertThat(revoked.body()).contains("Grant revoked.");
		assertThat(row(revoked.body(), "data-grant=\"" + id + "\"")).contains("revoked")
			.doesNotContain("Revoke</button>");
		assertThat(row(revoked.body(), "data-feature=\"api_calls\"")).doesNotContain("+ grant");
		assertThat(again).contains("was revoked at");
		assertThat(api.get("/v1/customers/" + customer + "/grants/" + id).body().path("status").asString())
			.isEqualTo("revoked");
		assertThat(audit(customer)).contains("grant.created account:" + admin.accountId(),
				"grant.revoked account:" + admin.accountId());
	}

	@Test
	void badGrantFormsAreRefusedOnThePageAndChangeNothing() {
		// given
		var admin = Operators.create(anonymous, jdbc, "cust-grant-bad", "admin", true, clock);
		var customer = newCustomer("cust-grant-bad");
		var browser = signedIn(admin);
		browser.get(page(customer));
		var yesterday = LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(1).toString();

		// when
		var answers = new ArrayList<String>();
		for (var amount : List.of("0", "-5", "abc", "1e3", "1.5", "", "1000000000000000001", "99999999999999999999")) {
			answers.add(refusal(browser, customer, "/grants",
					Map.of("feature", "api_calls", "amount", amount, "reason", "r")));
		}
		var unknownFeature = refusal(browser, customer, "/grants",
				Map.of("feature", "nope", "amount", "5", "reason", "r"));
		var lifetime = refusal(browser, customer, "/grants", Map.of("feature", "seats", "amount", "5", "reason", "r"));
		var notQuota = refusal(browser, customer, "/grants", Map.of("feature", "sso", "amount", "5", "reason", "r"));
		var noReason = refusal(browser, customer, "/grants", Map.of("feature", "api_calls", "amount", "5"));
		var badDate = refusal(browser, customer, "/grants",
				Map.of("feature", "api_calls", "amount", "5", "reason", "r", "expires", "next week"));
		var past = refusal(browser, customer, "/grants",
				Map.of("feature", "api_calls", "amount", "5", "reason", "r", "expires", yesterday));
		var notAGrant = refusal(browser, customer, "/grants/not-a-uuid/revoke", Map.of());
		var unknownGrant = refusal(browser, customer, "/grants/" + java.util.UUID.randomUUID() + "/revoke", Map.of());

		// then
		assertThat(answers).allSatisfy(a -> assertThat(a).contains("Enter the amount: a whole number from 1"));
		assertThat(unknownFeature).contains("Choose a feature of the catalog.");
		assertThat(lifetime).contains("is a lifetime quota");
		assertThat(notQuota).contains("is a switch feature; grants add to quotas");
		assertThat(noReason).contains("Give the reason for the grant");
		assertThat(badDate).contains("Enter the expiry as a date");
		assertThat(past).contains("A grant must expire after now");
		assertThat(notAGrant).contains("This customer has no such grant.");
		assertThat(unknownGrant).contains("has no grant");
		assertThat(api.get("/v1/customers/" + customer + "/grants").body().path("data").size()).isZero();
	}

	@Test
	void supportIsRefusedOverridesGrantsAndDeletionAndSeesNoSuchForm() {
		// given
		var support = Operators.create(anonymous, jdbc, "cust-support", "support", true, clock);
		var customer = newCustomer("cust-support");
		var grant = api.post("/v1/customers/" + customer + "/grants",
				Api.json(Map.of("feature", "api_calls", "amount", 10, "reason", "given")));
		assertThat(grant.status()).as(grant.toString()).isEqualTo(201);
		api.put("/v1/customers/" + customer + "/overrides/api_calls", Api.json(Map.of("value", 7)));
		var browser = signedIn(support);

		// when
		var page = browser.get(page(customer));
		var attempts = List.of(
				browser.post(page(customer) + "/overrides",
						Map.of("feature", "api_calls", "value", "9", "reason", "r")),
				browser.post(page(customer) + "/overrides/api_calls/remove", Map.of()),
				browser.post(page(customer) + "/grants", Map.of("feature", "api_calls", "amount", "5", "reason", "r")),
				browser.post(page(customer) + "/grants/" + grant.body().path("id").asString() + "/revoke", Map.of()),
				browser.post(page(customer) + "/delete", Map.of("confirm", customer, "reason", "r")));

		// then
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.body()).contains("Overrides and grants take an admin.", "given")
			.doesNotContain("Set override</button>", "Add grant</button>", "Delete the customer</button>",
					"Remove</button>", "Revoke</button>");
		for (var refused : attempts) {
			assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
			assertThat(refused.body()).contains("Not allowed");
		}
		assertThat(api.get("/v1/customers/" + customer).body().path("status").asString()).isEqualTo("active");
		var overrides = api.get("/v1/customers/" + customer + "/overrides").body().path("data");
		assertThat(overrides.get(0).path("value").path("limit").asLong()).isEqualTo(7);
		var grants = api.get("/v1/customers/" + customer + "/grants").body().path("data");
		assertThat(grants.size()).isEqualTo(1);
		assertThat(grants.get(0).path("status").asString()).isEqualTo("active");
	}

	@Test
	void formsWithoutTheirCsrfTokenAreRefused() {
		// given
		var admin = Operators.create(anonymous, jdbc, "cust-csrf", "admin", true, clock);
		var customer = newCustomer("cust-csrf");
		var browser = signedIn(admin);
		browser.get(page(customer));

		// when
		var attempts = List.of(
				browser.postRaw(page(customer) + "/overrides",
						Map.of("feature", "api_calls", "value", "9", "reason", "r")),
				browser.postRaw(page(customer) + "/grants",
						Map.of("feature", "api_calls", "amount", "5", "reason", "r", "_csrf", "forged")),
				browser.postRaw(page(customer) + "/delete", Map.of("confirm", customer, "reason", "r")));

		// then
		for (var refused : attempts) {
			assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
		}
		assertThat(api.get("/v1/customers/" + customer).body().path("status").asString()).isEqualTo("active");
		assertThat(api.get("/v1/customers/" + customer + "/overrides").body().path("data").size()).isZero();
		assertThat(api.get("/v1/customers/" + customer + "/grants").body().path("data").size()).isZero();
	}

	@Test
	void anotherCustomersGrantOrAnUnknownCustomerIsRefusedAndNothingChanges() {
		// given
		var admin = Operators.create(anonymous, jdbc, "cust-other", "admin", true, clock);
		var mine = newCustomer("cust-mine");
		var theirs = newCustomer("cust-theirs");
		var grant = api.post("/v1/customers/" + theirs + "/grants",
				Api.json(Map.of("feature", "api_calls", "amount", 10)));
		var grantId = grant.body().path("id").asString();
		var browser = signedIn(admin);
		browser.get(page(mine));
		var nobody = "nobody-" + uniqueId("x");

		// when
		var revokeTheirs = refusal(browser, mine, "/grants/" + grantId + "/revoke", Map.of());
		var unknown = List.of(browser.get(page(nobody)),
				browser.post(page(nobody) + "/overrides", Map.of("feature", "api_calls", "value", "9", "reason", "r")),
				browser.post(page(nobody) + "/grants", Map.of("feature", "api_calls", "amount", "5", "reason", "r")),
				browser.post(page(nobody) + "/grants/" + grantId + "/revoke", Map.of()),
				browser.post(page(nobody) + "/delete", Map.of("confirm", nobody, "reason", "r")));
		var deleteTheirsFromMine = refusal(browser, mine, "/delete", Map.of("confirm", theirs, "reason", "r"));

		// then
		assertThat(revokeTheirs).contains("has no grant " + grantId);
		assertThat(api.get("/v1/customers/" + theirs + "/grants/" + grantId).body().path("status").asString())
			.isEqualTo("active");
		for (var page : unknown) {
			assertThat(page.status()).as(page.toString()).isEqualTo(404);
		}
		assertThat(deleteTheirsFromMine).contains("Type the customer&#39;s id to confirm the deletion.");
		assertThat(api.get("/v1/customers/" + mine).body().path("status").asString()).isEqualTo("active");
		assertThat(api.get("/v1/customers/" + theirs).body().path("status").asString()).isEqualTo("active");
	}

	@Test
	void anAdminDeletesACustomerAfterTypingItsIdAndAReasonAsTheApiDoes() {
		// given
		var admin = Operators.create(anonymous, jdbc, "cust-delete", "admin", true, clock);
		var customer = newCustomer("cust-delete");
		var browser = signedIn(admin);
		var before = browser.get(page(customer));

		// when
		var wrongId = refusal(browser, customer, "/delete", Map.of("confirm", customer + "x", "reason", "r"));
		var noReason = refusal(browser, customer, "/delete", Map.of("confirm", customer));
		var stillActive = api.get("/v1/customers/" + customer).body().path("status").asString();
		var delete = browser.post(page(customer) + "/delete",
				Map.of("confirm", " " + customer + " ", "reason", "Asked to close <the account>"));
		var list = browser.get("/console/customers");
		var after = browser.get(page(customer));
		var again = browser.post(page(customer) + "/delete", Map.of("confirm", customer, "reason", "again"));
		var againShown = browser.get(page(customer));

		// then
		assertThat(before.body()).contains("Delete the customer</button>");
		assertThat(wrongId).contains("Type the customer&#39;s id to confirm the deletion.");
		assertThat(noReason).contains("Give the reason for the deletion");
		assertThat(stillActive).isEqualTo("active");
		assertThat(delete.status()).as(delete.toString()).isEqualTo(302);
		assertThat(delete.location()).endsWith("/console/customers");
		assertThat(list.body()).contains("Customer " + customer + " deleted.");
		var deleted = api.get("/v1/customers/" + customer).body();
		assertThat(deleted.path("status").asString()).isEqualTo("deleted");
		assertThat(after.status()).isEqualTo(200);
		assertThat(after.body()).contains("badge deleted").doesNotContain("Delete the customer</button>");
		assertThat(again.status()).isEqualTo(302);
		assertThat(againShown.body()).contains("This customer is already deleted.");
		var events = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + customer).body().path("data");
		JsonNode deletion = null;
		for (var e : events) {
			if (e.path("action").asString().equals("customer.deleted")) {
				assertThat(deletion).as("one deletion recorded").isNull();
				deletion = e;
			}
		}
		assertThat(deletion).isNotNull();
		assertThat(deletion.path("actor").asString()).isEqualTo("account:" + admin.accountId());
		assertThat(deletion.path("after").path("reason").asString()).isEqualTo("Asked to close <the account>");
		assertThat(deletion.path("after").path("status").asString()).isEqualTo("deleted");
	}

	@Test
	void thePageShowsLeasesOrganizationsBatchesAndTheUsageChartsFigures() {
		// given
		var admin = Operators.create(anonymous, jdbc, "cust-parts", "admin", true, clock);
		var user = Operators.create(anonymous, jdbc, "cust-parts-user", "user", false, clock);
		var customer = api.get("/v1/admin/accounts/" + user.accountId())
			.body()
			.path("account")
			.path("customerId")
			.asString();
		var me = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, user.email()));
		var org = me.post("/v1/me/organizations", Api.json(Map.of("name", "Team <Orca>")));
		assertThat(org.status()).as(org.toString()).isEqualTo(201);
		var lease = api.post("/v1/leases", Api.json(Map.of("customerId", customer, "feature", "concurrent_jobs")));
		assertThat(lease.status()).as(lease.toString()).isEqualTo(201);
		var batch = api.post("/v1/batches",
				"{\"customerId\":\"%s\",\"operations\":[{\"type\":\"resize\"},{\"type\":\"resize\"}]}"
					.formatted(customer));
		assertThat(batch.status()).as(batch.toString()).isEqualTo(202);
		var consumed = api.post("/v1/consume",
				Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount", 321)));
		assertThat(consumed.status()).as(consumed.toString()).isEqualTo(200);
		var browser = signedIn(admin);

		// when
		var page = browser.get(page(customer));
		var orgPage = browser.get(page(org.body().path("id").asString()));

		// then
		assertThat(page.status()).isEqualTo(200);
		var body = page.body();
		assertThat(section(body, "leases-heading")).contains(lease.body().path("id").asString(), "concurrent_jobs");
		assertThat(section(body, "organizations-heading")).contains("Team &lt;Orca&gt;", "owner", ">1</td>");
		assertThat(section(body, "batches-heading"))
			.contains("href=\"/console/batches/" + batch.body().path("id").asString() + "\"", "0 of 2 operations");
		var charts = section(body, "charts-heading");
		assertThat(charts)
			.contains("id=\"usage-chart-api_calls\"", "role=\"img\"", "aria-label=\"API calls per month used so far")
			.contains("&quot;limit&quot;:1000")
			.contains(">321</td>");
		assertThat(body).contains("/webjars/chart.js/", "/console/assets/customer.js");
		assertThat(orgPage.body()).contains("This customer is an organization of 1 member.");
		assertThat(browser.get("/console/assets/customer.js").status()).isEqualTo(200);
	}

	private ConsoleClient signedIn(Operators.Operator operator) {
		var browser = new ConsoleClient(port);
		var signedIn = browser.signIn(operator.email(), operator.password(), operator.nextCode());
		assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(302);
		return browser;
	}

	/** Posts the form, expects to be sent back to the page, and answers the page. */
	private String refusal(ConsoleClient browser, String customer, String action, Map<String, String> form) {
		var answer = browser.post(page(customer) + action, form);
		assertThat(answer.status()).as(answer.toString()).isEqualTo(302);
		var shown = browser.get(page(customer));
		assertThat(shown.status()).isEqualTo(200);
		assertThat(shown.body()).contains("role=\"alert\"");
		return shown.body().substring(shown.body().indexOf("role=\"alert\""));
	}

	private List<String> audit(String customer) {
		var actions = new ArrayList<String>();
		api.get("/v1/admin/audit-events?targetType=customer&targetId=" + customer)
			.body()
			.path("data")
			.forEach(e -> actions.add(e.path("action").asString() + " " + e.path("actor").asString()));
		return actions;
	}

	private static String page(String customer) {
		return "/console/customers/" + customer;
	}

	/** The table row that carries the attribute. */
	private static String row(String body, String attribute) {
		var start = body.indexOf(attribute);
		assertThat(start).as("a row with %s", attribute).isNotNegative();
		return body.substring(start, body.indexOf("</tr>", start));
	}

	private static String section(String body, String heading) {
		var start = body.indexOf("aria-labelledby=\"" + heading + "\"");
		assertThat(start).as("the section %s", heading).isNotNegative();
		return body.substring(start, body.indexOf("</section>", start));
	}

}

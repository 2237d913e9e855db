package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.platform.Timestamps;
import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

/**
 * The console's operations pages over plain HTTP: the audit log, the mail outbox and the
 * API keys, who may open them, what they refuse and how they show what they hold.
 */
class ConsoleOpsPagesTest extends ServerTest {

	private static final Pattern SECRET = Pattern.compile("pg_(sk|wk)_[A-Za-z0-9_]{20,}");

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void supportReadsTheAuditLogAndTheKeysButIsRefusedTheMailAndKeyChanges() {
		// given
		var support = Operators.create(anonymous, jdbc, "ops-support", "support", true, clock);
		var key = apiKeys.create("ops-support-target").key();
		var browser = signedIn(support);

		// when
		var overview = browser.get("/console");
		var audit = browser.get("/console/audit");
		var keys = browser.get("/console/keys");
		var mail = browser.get("/console/mail");
		var oneMail = browser.get("/console/mail/" + UUID.randomUUID());
		var create = browser.post("/console/keys", Map.of("name", "by support", "kind", "server"));
		var revoke = browser.post("/console/keys/" + key.id() + "/revoke", Map.of("confirm", "yes"));

		// then
		assertThat(overview.body()).contains("href=\"/console/audit\"", "href=\"/console/keys\"")
			.doesNotContain("href=\"/console/mail\"");
		assertThat(audit.status()).as(audit.toString()).isEqualTo(200);
		assertThat(keys.status()).as(keys.toString()).isEqualTo(200);
		assertThat(keys.body()).contains(key.prefix(), "Creating and revoking keys takes an admin.")
			.doesNotContain("Create the key</button>")
			.doesNotContain("Revoke</button>");
		for (var refused : List.of(mail, oneMail, create, revoke)) {
			assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
			assertThat(refused.body()).contains("Not allowed");
		}
		assertThat(apiKeys.list().stream().filter(k -> k.id().equals(key.id())).findFirst().orElseThrow().isActive())
			.isTrue();
		assertThat(apiKeys.list()).noneMatch(k -> k.name().equals("by support"));
	}

	@Test
	void anAdminSeesEveryOperationsPageInTheNavigation() {
		// given
		var admin = Operators.create(anonymous, jdbc, "ops-admin-nav", "admin", true, clock);
		var browser = signedIn(admin);

		// when
		var overview = browser.get("/console");
		var mail = browser.get("/console/mail");

		// then
		assertThat(overview.body()).contains("href=\"/console/audit\"", "href=\"/console/keys\"",
				"href=\"/console/mail\"");
		assertThat(mail.status()).as(mail.toString()).isEqualTo(200);
		assertThat(mail.body()).contains("aria-current=\"page\">Mail</a>");
	}

	@Test
	void anAdminCreatesAKeyWhoseSecretIsShownOnceThenRevokesItAuditedAsItself() {
		// given
		var admin = Operators.create(anonymous, jdbc, "ops-keys", "admin", true, clock);
		var browser = signedIn(admin);
		browser.get("/console/keys");
		var name = "billing " + UUID.randomUUID().toString().substring(0, 8);

		// when
		var created = browser.post("/console/keys", Map.of("name", "  " + name + " ", "kind", "worker"));
		var matcher = SECRET.matcher(created.body());
		var secret = matcher.find() ? matcher.group() : "";
		var again = browser.get("/console/keys");
		var key = apiKeys.list().stream().filter(k -> k.name().equals(name)).findFirst().orElseThrow();
		var unconfirmed = browser.post("/console/keys/" + key.id() + "/revoke", Map.of());
		var unconfirmedShown = browser.get("/console/keys");
		var workerPoll = new Api(port, secret).post("/v1/worker/poll", Api.json(Map.of("workerId", "w-1")));
		var revoke = browser.post("/console/keys/" + key.id() + "/revoke", Map.of("confirm", "yes"));
		var revokedShown = browser.get("/console/keys");

		// then
		assertThat(created.status()).as(created.toString()).isEqualTo(200);
		assertThat(secret).as("the secret on the answer page").startsWith("pg_wk_").startsWith(key.prefix());
		assertThat(created.body()).contains("Key created: copy its secret now", name);
		assertThat(created.header("Cache-Control")).contains("no-store");
		assertThat(again.body()).as("never shown again").doesNotContain(secret).contains(key.prefix() + "…");
		assertThat(SECRET.matcher(again.body()).find()).isFalse();
		assertThat(key.kind().id()).isEqualTo("worker");
		assertThat(unconfirmed.status()).isEqualTo(302);
		assertThat(unconfirmedShown.body()).contains("Tick the confirmation to revoke the key.");
		assertThat(workerPoll.status()).as("the new key works: %s", workerPoll).isNotIn(401, 403);
		assertThat(revoke.status()).as(revoke.toString()).isEqualTo(302);
		assertThat(revokedShown.body()).contains("Key " + key.prefix() + "… (" + name + ") is revoked");
		assertThat(new Api(port, secret).post("/v1/worker/poll", Api.json(Map.of("workerId", "w-1"))).status())
			.isEqualTo(401);
		var actions = new ArrayList<String>();
		api.get("/v1/admin/audit-events?targetType=api_key&targetId=" + key.id())
			.body()
			.path("data")
			.forEach(e -> actions.add(e.path("action").asString() + " " + e.path("actor").asString()));
		assertThat(actions).containsExactly("api_key.revoked account:" + admin.accountId(),
				"api_key.created account:" + admin.accountId());
	}

	@Test
	void badKeyFormsAreRefusedOnThePageAndCreateOrRevokeNothing() {
		// given
		var admin = Operators.create(anonymous, jdbc, "ops-keys-bad", "admin", true, clock);
		var browser = signedIn(admin);
		browser.get("/console/keys");
		var before = apiKeys.list().size();

		// when
		var blank = browser.post("/console/keys", Map.of("name", "  ", "kind", "server"));
		var tooLong = browser.post("/console/keys", Map.of("name", "n".repeat(201), "kind", "server"));
		var control = browser.post("/console/keys", Map.of("name", "a\nb", "kind", "server"));
		var personal = browser.post("/console/keys", Map.of("name", "mine", "kind", "personal"));
		var noKind = browser.post("/console/keys", Map.of("name", "mine"));
		var script = browser.post("/console/keys", Map.of("name", "<script>alert(1)</script>", "kind", "root"));
		var withoutToken = browser.postRaw("/console/keys", Map.of("name", "forged", "kind", "server"));
		var wrongToken = browser.postRaw("/console/keys", Map.of("name", "forged", "kind", "server", "_csrf", "x"));
		browser.get("/console/keys");
		var unknown = browser.post("/console/keys/" + UUID.randomUUID() + "/revoke", Map.of("confirm", "yes"));
		browser.get("/console/keys");
		var malformed = browser.post("/console/keys/not-a-key/revoke", Map.of("confirm", "yes"));
		var revokeWithoutToken = browser.postRaw("/console/keys/" + apiKeys.list().get(0).id() + "/revoke",
				Map.of("confirm", "yes"));

		// then
		for (var refused : List.of(blank, tooLong, control)) {
			assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
			assertThat(refused.body()).contains("Name the key: one line of at most 200 characters.");
		}
		for (var refused : List.of(personal, noKind, script)) {
			assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
			assertThat(refused.body()).contains("Choose the kind of key: server or worker.");
		}
		assertThat(script.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert");
		assertThat(withoutToken.status()).isEqualTo(403);
		assertThat(wrongToken.status()).isEqualTo(403);
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.body()).contains("<html");
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(malformed.body()).contains("The request is not one this page understands.");
		assertThat(revokeWithoutToken.status()).isEqualTo(403);
		assertThat(apiKeys.list()).hasSize(before);
		assertThat(apiKeys.list()).noneMatch(k -> k.name().equals("forged"));
	}

	@Test
	void theAuditLogFiltersByActorActionTargetAndTimeAndPagesNewestFirst() {
		// given: 52 events on one customer, by this test's server key
		var admin = Operators.create(anonymous, jdbc, "ops-audit", "admin", true, clock);
		var customer = newCustomer("ops-audit");
		for (var i = 0; i < 26; i++) {
			assertThat(api.post("/v1/customers/" + customer + "/suspend", null).status()).isEqualTo(200);
			assertThat(api.post("/v1/customers/" + customer + "/activate", null).status()).isEqualTo(200);
		}
		var browser = signedIn(admin);
		var today = java.time.LocalDate.now(clock).toString();

		// when
		var first = browser.get("/console/audit?targetType=customer&targetId=" + customer);
		var next = nextLink(first.body());
		var second = browser.get(next);
		var suspended = browser.get("/console/audit?action=customer.suspended&targetId=" + customer + "&since=" + today
				+ "&until=" + today);
		var byAdmin = browser.get("/console/audit?actor=account:" + admin.accountId() + "&targetId=" + customer);
		var total = api.get("/v1/admin/audit-events?targetType=customer&limit=500&targetId=" + customer)
			.body()
			.path("data")
			.size();
		var tomorrow = browser
			.get("/console/audit?targetId=" + customer + "&since=" + java.time.LocalDate.now(clock).plusDays(1));

		// then
		assertThat(first.status()).as(first.toString()).isEqualTo(200);
		assertThat(rows(first.body())).isEqualTo(50);
		assertThat(first.body()).contains("href=\"/console/customers/" + customer + "\"");
		var firstRows = first.body().substring(first.body().indexOf("<tbody>"));
		assertThat(firstRows.indexOf("customer.activated")).as("newest first")
			.isLessThan(firstRows.indexOf("customer.suspended"));
		assertThat(next).contains("targetType=customer", "targetId=" + customer, "cursor=");
		assertThat(total).as("52 changes and the customer's creation").isGreaterThanOrEqualTo(53);
		assertThat(rows(second.body())).isEqualTo(total - 50);
		assertThat(second.body()).contains("customer.created").doesNotContain("Older events");
		assertThat(rows(suspended.body())).isEqualTo(26);
		assertThat(suspended.body()).doesNotContain(">customer.activated<");
		assertThat(rows(byAdmin.body())).isZero();
		assertThat(byAdmin.body()).contains("No event matches.");
		assertThat(rows(tomorrow.body())).isZero();
	}

	@Test
	void badAuditFiltersAreAClearMessageNotAnError() {
		// given
		var support = Operators.create(anonymous, jdbc, "ops-audit-bad", "support", true, clock);
		var browser = signedIn(support);

		// when
		var word = browser.get("/console/audit?since=yesterday");
		var month = browser.get("/console/audit?until=2026-13-01");
		var reversed = browser.get("/console/audit?since=2026-12-03&until=2026-12-01");
		var tooLong = browser.get("/console/audit?actor=" + "a".repeat(201));
		var cursor = browser.get("/console/audit?cursor=abc");
		var script = browser.get("/console/audit?action=%3Cscript%3Ealert(1)%3C%2Fscript%3E&since=%3Cb%3E");
		var iso = browser.get("/console/audit?since=2026-12-01T00:00:00Z&until=2026-12-31T23:59");

		// then
		assertThat(word.status()).isEqualTo(400);
		assertThat(word.body()).contains("&#39;yesterday&#39; is not a time: give a date such as 2026-12-01");
		assertThat(month.status()).isEqualTo(400);
		assertThat(month.body()).contains("&#39;2026-13-01&#39; is not a time");
		assertThat(reversed.status()).isEqualTo(400);
		assertThat(reversed.body()).contains("The time range ends before it starts");
		assertThat(tooLong.status()).isEqualTo(400);
		assertThat(tooLong.body()).contains("A filter is too long");
		assertThat(cursor.status()).isEqualTo(400);
		assertThat(cursor.body()).contains("The page link is broken");
		assertThat(script.status()).isEqualTo(400);
		assertThat(script.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&#39;&lt;b&gt;&#39; is not a time")
			.doesNotContain("<script>alert")
			.doesNotContain("<b>");
		assertThat(iso.status()).as(iso.toString()).isEqualTo(200);
	}

	@Test
	void theAuditLogShowsAndFiltersTheOperatorBehindAnImpersonation() {
		// given: requests made viewing as a customer's end user, recorded with the
		// operator behind them, and one made by the operator itself
		var support = Operators.create(anonymous, jdbc, "ops-imp", "support", true, clock);
		var customer = newCustomer("ops-imp");
		for (var by : new String[] { "account:" + support.accountId(), "account:" + support.accountId(), null }) {
			jdbc.sql(
					"""
							insert into audit_event (occurred_at, actor, ip, action, target_type, target_id, impersonated_by)
							values (:at, 'account:viewed-as', '127.0.0.1', 'impersonation.request', 'customer', :customer, :by)""")
				.param("at", Timestamps.sql(clock.instant()))
				.param("customer", customer)
				.param("by", by)
				.update();
		}
		var browser = signedIn(support);

		// when
		var all = browser.get("/console/audit?action=impersonation.request&targetId=" + customer);
		var byOperator = browser.get("/console/audit?targetId=" + customer + "&impersonatedBy=" + support.accountId());
		var byPrefixed = browser
			.get("/console/audit?targetId=" + customer + "&impersonatedBy=account:" + support.accountId());
		var byOther = browser.get("/console/audit?targetId=" + customer + "&impersonatedBy=" + UUID.randomUUID());
		var bad = browser.get("/console/audit?impersonatedBy=%3Cb%3Esomeone");

		// then
		assertThat(all.status()).as(all.toString()).isEqualTo(200);
		assertThat(all.body()).contains("<th scope=\"col\">Impersonated by</th>", "<label for=\"impersonatedBy\">",
				"href=\"/console/audit?impersonatedBy=" + support.accountId() + "\"", ">" + support.email() + "</a>");
		assertThat(rows(all.body())).isEqualTo(3);
		assertThat(byOperator.status()).isEqualTo(200);
		assertThat(rows(byOperator.body())).isEqualTo(2);
		assertThat(byOperator.body()).contains("value=\"" + support.accountId() + "\"");
		assertThat(rows(byPrefixed.body())).isEqualTo(2);
		assertThat(byOther.body()).contains("No event matches.");
		assertThat(bad.status()).isEqualTo(400);
		assertThat(bad.body()).contains("&#39;&lt;b&gt;someone&#39; is not an operator&#39;s account id")
			.doesNotContain("<b>someone");
	}

	@Test
	void theOutboxListsAMailByStatusAndShowsItWithoutItsLink() {
		// given: the operator's own verification mail, sent over SMTP
		var admin = Operators.create(anonymous, jdbc, "ops-mail", "admin", true, clock);
		var token = AccountCalls.tokenOfMail(admin.email(), 1);
		var browser = signedIn(admin);

		// when
		var sent = browser.get("/console/mail?status=sent&to=" + admin.email());
		var failed = browser.get("/console/mail?status=failed&to=" + admin.email());
		var id = mailId(sent.body());
		var one = browser.get("/console/mail/" + id);
		var unknownStatus = browser.get("/console/mail?status=bounced");
		var script = browser.get("/console/mail?status=%3Cscript%3E");
		var cursor = browser.get("/console/mail?cursor=-1");
		var tooLong = browser.get("/console/mail?to=" + "a".repeat(321));
		var malformed = browser.get("/console/mail/not-a-mail");
		var unknown = browser.get("/console/mail/" + UUID.randomUUID());

		// then
		assertThat(sent.status()).as(sent.toString()).isEqualTo(200);
		assertThat(sent.body()).contains("Confirm your email address", admin.email(), "mail-sent");
		assertThat(failed.body()).contains("No mail matches.").doesNotContain(admin.email() + "</td>");
		assertThat(one.status()).as(one.toString()).isEqualTo(200);
		assertThat(one.body()).contains("Confirm your email address", admin.email(), "Not kept").doesNotContain(token);
		for (var refused : List.of(unknownStatus, script)) {
			assertThat(refused.status()).isEqualTo(400);
			assertThat(refused.body()).contains("Unknown status: choose pending, sending, sent or failed.");
		}
		assertThat(script.body()).doesNotContain("<script>");
		assertThat(cursor.status()).isEqualTo(400);
		assertThat(cursor.body()).contains("The page link is broken");
		assertThat(tooLong.status()).isEqualTo(400);
		assertThat(malformed.status()).isEqualTo(400);
		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.body()).contains("<html");
	}

	@Test
	void theOperationsPagesCarryNoInlineScriptOrStyle() {
		// given
		var admin = Operators.create(anonymous, jdbc, "ops-headers", "admin", true, clock);
		var browser = signedIn(admin);

		// when
		var pages = List.of(browser.get("/console/audit"), browser.get("/console/mail"), browser.get("/console/keys"));

		// then
		for (var page : pages) {
			assertThat(page.status()).as(page.toString()).isEqualTo(200);
			assertThat(page.header("Content-Security-Policy")).startsWith("default-src 'self';");
			assertThat(page.body()).doesNotContain("<style")
				.doesNotContain(" style=")
				.doesNotContain("javascript:")
				.doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>");
		}
	}

	private ConsoleClient signedIn(Operators.Operator operator) {
		var browser = new ConsoleClient(port);
		var signIn = browser.signIn(operator.email(), operator.password(), operator.nextCode());
		assertThat(signIn.status()).as(signIn.toString()).isEqualTo(302);
		return browser;
	}

	private static int rows(String body) {
		var tbody = body.substring(body.indexOf("<tbody>"), body.indexOf("</tbody>"));
		return (int) Pattern.compile("<tr>").matcher(tbody).results().count()
				- (tbody.contains("No event matches.") ? 1 : 0);
	}

	private static String nextLink(String body) {
		var matcher = Pattern.compile("href=\"([^\"]+)\">Older events</a>").matcher(body);
		assertThat(matcher.find()).as("a link to older events").isTrue();
		return matcher.group(1).replace("&amp;", "&");
	}

	private static String mailId(String body) {
		var matcher = Pattern.compile("href=\"/console/mail/([0-9a-f-]{36})\">Confirm your email address<")
			.matcher(body);
		assertThat(matcher.find()).as("the verification mail in the list").isTrue();
		return matcher.group(1);
	}

}

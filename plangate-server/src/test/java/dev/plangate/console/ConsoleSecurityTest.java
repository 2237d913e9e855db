package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

/**
 * The console's sign-in and session over plain HTTP: who gets in, what the cookie and the
 * pages carry, and what is refused.
 */
class ConsoleSecurityTest extends ServerTest {

	private static final Pattern INLINE_SCRIPT = Pattern.compile("<script(?![^>]*\\ssrc=)[^>]*>");

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void anAdminSignsInWithPasswordThenSecondFactorIntoANewHttpOnlySameSiteSession() {
		// given
		var admin = Operators.create(anonymous, jdbc, "console-admin", "admin", true, clock);
		var browser = new ConsoleClient(port);
		var loginPage = browser.get("/console/login");
		var before = browser.cookie("PLANGATE_CONSOLE");

		// when
		var password = browser.post("/console/login", Map.of("login", admin.email(), "password", admin.password()));
		var codePage = browser.get("/console/login/code");
		var code = browser.post("/console/login/code", Map.of("code", admin.nextCode()));
		var overview = browser.get("/console");

		// then
		assertThat(loginPage.status()).isEqualTo(200);
		assertThat(password.status()).as(password.toString()).isEqualTo(302);
		assertThat(password.location()).endsWith("/console/login/code");
		assertThat(codePage.status()).isEqualTo(200);
		assertThat(code.status()).as(code.toString()).isEqualTo(302);
		assertThat(code.location()).endsWith("/console");
		var cookie = code.setCookies().stream().filter(c -> c.startsWith("PLANGATE_CONSOLE=")).findFirst();
		assertThat(cookie).as("a new session id at sign-in: %s", code).isPresent();
		assertThat(cookie.get()).contains("HttpOnly", "SameSite=Lax", "Path=/")
			.as("plain HTTP: not Secure")
			.doesNotContain("Secure");
		assertThat(browser.cookie("PLANGATE_CONSOLE")).as("no session fixation").isNotEqualTo(before);
		assertThat(overview.status()).as(overview.toString()).isEqualTo(200);
		assertThat(overview.body()).contains("Overview", admin.email());
	}

	@Test
	void aWrongPasswordOrCodeIsRefusedOnThePage() {
		// given
		var admin = Operators.create(anonymous, jdbc, "console-wrong", "admin", true, clock);
		var browser = new ConsoleClient(port);
		browser.get("/console/login");

		// when
		var wrongPassword = browser.post("/console/login",
				Map.of("login", admin.email(), "password", "not the password at all"));
		browser.post("/console/login", Map.of("login", admin.email(), "password", admin.password()));
		browser.get("/console/login/code");
		var wrongCode = browser.post("/console/login/code",
				Map.of("code", "000000".equals(admin.nextCode()) ? "111111" : "000000"));
		var console = browser.get("/console");

		// then
		assertThat(wrongPassword.status()).isEqualTo(401);
		assertThat(wrongPassword.body()).contains("The login or the password is wrong");
		assertThat(wrongCode.status()).isEqualTo(401);
		assertThat(wrongCode.body()).contains("Second factor");
		assertThat(console.status()).isEqualTo(302);
		assertThat(console.location()).endsWith("/console/login");
	}

	@Test
	void anEndUsersAccountCannotOpenTheConsoleNeitherSignedInNorWithItsToken() {
		// given
		var user = Operators.create(anonymous, jdbc, "console-user", "user", true, clock);
		var token = anonymous
			.post("/v1/auth/login", Api
				.json(Map.of("login", user.email(), "password", user.password(), "code", user.recoveryCodes().get(1))))
			.body();
		var browser = new ConsoleClient(port);

		// when
		var refused = browser.signIn(user.email(), user.password(), user.recoveryCodes().get(0));
		var console = browser.get("/console");
		var withToken = new ConsoleClient(port).get("/console", "Bearer " + token.path("accessToken").asString());
		var withServerKey = new ConsoleClient(port).get("/console", "Bearer " + api.key());

		// then
		assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
		assertThat(refused.body()).contains("may not use the console");
		assertThat(console.status()).isEqualTo(302);
		assertThat(withToken.status()).isEqualTo(302);
		assertThat(withToken.location()).endsWith("/console/login");
		assertThat(withServerKey.status()).isEqualTo(302);
	}

	@Test
	void anOperatorWithoutASecondFactorIsRefusedAndKeepsNoSession() {
		// given
		var admin = Operators.create(anonymous, jdbc, "console-no2fa", "superadmin", false, clock);
		var browser = new ConsoleClient(port);
		browser.get("/console/login");

		// when
		var refused = browser.post("/console/login", Map.of("login", admin.email(), "password", admin.password()));

		// then
		assertThat(refused.status()).isEqualTo(403);
		assertThat(refused.body()).contains("Turn on two-factor authentication");
		var sessions = api.get("/v1/admin/accounts/" + admin.accountId()).body().path("sessions");
		assertThat(sessions.size()).as("the sign-in's session was ended: %s", sessions).isEqualTo(1);
	}

	@Test
	void aFormWithoutItsCsrfTokenIsRefused() {
		// given
		var admin = Operators.create(anonymous, jdbc, "console-csrf", "admin", true, clock);
		var customer = newCustomer("console-csrf");
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(admin.email(), admin.password(), admin.nextCode()).status()).isEqualTo(302);

		// when
		var withoutToken = browser.postRaw("/console/customers/" + customer + "/suspend", Map.of());
		var wrongToken = browser.postRaw("/console/customers/" + customer + "/suspend", Map.of("_csrf", "forged"));
		var loginWithoutToken = new ConsoleClient(port).postRaw("/console/login",
				Map.of("login", admin.email(), "password", admin.password()));

		// then
		for (var refused : java.util.List.of(withoutToken, wrongToken, loginWithoutToken)) {
			assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
		}
		assertThat(api.get("/v1/customers/" + customer).body().path("status").asString()).isEqualTo("active");
	}

	@Test
	void aSupportOperatorReadsACustomerButMayNotChangeItsPlan() {
		// given
		var support = Operators.create(anonymous, jdbc, "console-support", "support", true, clock);
		var customer = newCustomer("console-support");
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(support.email(), support.password(), support.nextCode()).status()).isEqualTo(302);

		// when
		var page = browser.get("/console/customers/" + customer);
		var change = browser.post("/console/customers/" + customer + "/plan", Map.of("plan", "pro", "when", "now"));
		var suspend = browser.post("/console/customers/" + customer + "/suspend", Map.of());

		// then
		assertThat(page.status()).isEqualTo(200);
		assertThat(page.body()).contains("Plan and status changes take an admin.")
			.doesNotContain("Change plan</button>");
		assertThat(change.status()).as(change.toString()).isEqualTo(403);
		assertThat(change.body()).contains("Not allowed");
		assertThat(suspend.status()).isEqualTo(403);
		assertThat(api.get("/v1/customers/" + customer + "/subscription").body().path("plan").path("key").asString())
			.isEqualTo("free");
		assertThat(api.get("/v1/customers/" + customer).body().path("status").asString()).isEqualTo("active");
	}

	@Test
	void anAdminChangesAPlanAndSuspendsThroughTheAuditedServices() {
		// given
		var admin = Operators.create(anonymous, jdbc, "console-change", "admin", true, clock);
		var customer = newCustomer("console-change");
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(admin.email(), admin.password(), admin.nextCode()).status()).isEqualTo(302);
		browser.get("/console/customers/" + customer);

		// when
		var change = browser.post("/console/customers/" + customer + "/plan", Map.of("plan", "pro", "when", "now"));
		var after = browser.get("/console/customers/" + customer);
		var suspend = browser.post("/console/customers/" + customer + "/suspend", Map.of());
		var suspended = browser.get("/console/customers/" + customer);
		var unknownPlan = browser.post("/console/customers/" + customer + "/plan", Map.of("plan", "no_such_plan"));
		var unknownPlanShown = browser.get("/console/customers/" + customer);
		var badWhen = browser.post("/console/customers/" + customer + "/plan", Map.of("plan", "pro", "when", "soon"));
		var badWhenShown = browser.get("/console/customers/" + customer);
		var unknownCustomer = browser.get("/console/customers/nobody-" + uniqueId("x"));

		// then
		assertThat(change.status()).as(change.toString()).isEqualTo(302);
		assertThat(after.body()).contains("Plan change to pro made.");
		assertThat(api.get("/v1/customers/" + customer + "/subscription").body().path("plan").path("key").asString())
			.isEqualTo("pro");
		assertThat(suspend.status()).isEqualTo(302);
		assertThat(suspended.body()).contains("Customer suspended.", "Activate</button>");
		assertThat(api.get("/v1/customers/" + customer).body().path("status").asString()).isEqualTo("suspended");
		var audit = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + customer).body().path("data");
		var actors = new java.util.ArrayList<String>();
		audit.forEach(e -> actors.add(e.path("action").asString() + " " + e.path("actor").asString()));
		assertThat(actors).contains("customer.suspended account:" + admin.accountId());
		assertThat(actors).anyMatch(a -> a.startsWith("subscription.") && a.endsWith("account:" + admin.accountId()));
		assertThat(unknownPlan.status()).isEqualTo(302);
		assertThat(unknownPlanShown.body()).contains("no_such_plan");
		assertThat(badWhen.status()).isEqualTo(302);
		assertThat(badWhenShown.body()).contains("Choose when the change happens");
		assertThat(unknownCustomer.status()).isEqualTo(404);
		assertThat(unknownCustomer.body()).contains("<html");
	}

	@Test
	void aCustomerNamedLikeAScriptIsShownAsText() {
		// given
		var admin = Operators.create(anonymous, jdbc, "console-xss", "admin", true, clock);
		var customer = uniqueId("console-xss");
		var created = api.put("/v1/customers/" + customer,
				Api.json(Map.of("name", "<script>alert(1)</script>", "email", customer + "@example.com")));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(admin.email(), admin.password(), admin.nextCode()).status()).isEqualTo(302);

		// when
		var page = browser.get("/console/customers/" + customer);
		var list = browser.get("/console/customers?q=" + customer);
		var search = browser.get("/console/customers?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");

		// then
		for (var shown : java.util.List.of(page, list)) {
			assertThat(shown.status()).isEqualTo(200);
			assertThat(shown.body()).contains("&lt;script&gt;alert(1)&lt;/script&gt;")
				.doesNotContain("<script>alert(1)");
		}
		assertThat(search.status()).isEqualTo(200);
		assertThat(search.body()).doesNotContain("<script>alert(1)");
	}

	@Test
	void pagesCarryTheSecurityHeadersAndNoInlineScriptOrStyle() {
		// given
		var admin = Operators.create(anonymous, jdbc, "console-headers", "admin", true, clock);
		var customer = newCustomer("console-headers");
		var browser = new ConsoleClient(port);
		var login = browser.get("/console/login");
		assertThat(browser.signIn(admin.email(), admin.password(), admin.nextCode()).status()).isEqualTo(302);

		// when
		var pages = java.util.List.of(login, browser.get("/console"), browser.get("/console/customers"),
				browser.get("/console/customers/" + customer), browser.get("/console/assets/console.css"));

		// then
		for (var page : pages) {
			assertThat(page.status()).as(page.toString()).isEqualTo(200);
			assertThat(page.header("Content-Security-Policy"))
				.isEqualTo("default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; "
						+ "base-uri 'none'; form-action 'self'");
			assertThat(page.header("X-Frame-Options")).isEqualTo("DENY");
			assertThat(page.header("X-Content-Type-Options")).isEqualTo("nosniff");
			assertThat(page.header("Referrer-Policy")).isEqualTo("no-referrer");
			assertThat(page.header("Strict-Transport-Security")).startsWith("max-age=");
			assertThat(INLINE_SCRIPT.matcher(page.body()).find()).as("inline script in %s", page.body()).isFalse();
			assertThat(page.body()).doesNotContain("<style").doesNotContain(" style=").doesNotContain("javascript:");
		}
		assertThat(pages.get(1).header("Cache-Control")).contains("no-store");
		assertThat(api.get("/v1/customers/" + customer).header("Content-Security-Policy"))
			.as("the API's policy is unchanged")
			.isEqualTo("default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
	}

	@Test
	void signingOutEndsTheConsoleSessionAndItsPlangateSession() {
		// given
		var admin = Operators.create(anonymous, jdbc, "console-out", "admin", true, clock);
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(admin.email(), admin.password(), admin.nextCode()).status()).isEqualTo(302);
		browser.get("/console");

		// when
		var out = browser.post("/console/logout", Map.of());
		var after = browser.get("/console");

		// then
		assertThat(out.status()).isEqualTo(302);
		assertThat(out.location()).endsWith("/console/login?signedOut");
		assertThat(after.status()).isEqualTo(302);
		assertThat(api.get("/v1/admin/accounts/" + admin.accountId()).body().path("sessions").size())
			.as("the enrolment's API session only")
			.isEqualTo(1);
	}

	@Test
	void anAdministratorRevokingTheOperatorsSessionsEndsItsConsoleSession() {
		// given
		var admin = Operators.create(anonymous, jdbc, "console-revoked", "admin", true, clock);
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(admin.email(), admin.password(), admin.nextCode()).status()).isEqualTo(302);
		assertThat(browser.get("/console").status()).isEqualTo(200);

		// when
		assertThat(api.delete("/v1/admin/accounts/" + admin.accountId() + "/sessions").status()).isEqualTo(200);
		var after = browser.get("/console");

		// then
		assertThat(after.status()).isEqualTo(302);
		assertThat(after.location()).endsWith("/console/login?expired");
	}

	@Test
	void aSuperadminGivesARoleByEmailAuditedWithItselfAsActorAndTheAccountsSessionsEnd() {
		// given
		var superadmin = Operators.create(anonymous, jdbc, "console-super", "superadmin", true, clock);
		var target = Operators.create(anonymous, jdbc, "console-promoted", "user", false, clock);
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(superadmin.email(), superadmin.password(), superadmin.nextCode()).status())
			.isEqualTo(302);
		var overview = browser.get("/console");
		var before = browser.get("/console/operators");

		// when
		var given = browser.post("/console/operators/role", Map.of("email", target.email(), "role", "support"));
		var after = browser.get("/console/operators");
		var again = browser.post("/console/operators/role",
				Map.of("email", " " + target.email().toUpperCase(java.util.Locale.ROOT) + " ", "role", "support"));
		var againShown = browser.get("/console/operators");

		// then
		assertThat(overview.body()).contains("href=\"/console/operators\"");
		assertThat(before.status()).as(before.toString()).isEqualTo(200);
		assertThat(before.body()).contains(superadmin.email()).doesNotContain(target.email());
		assertThat(given.status()).as(given.toString()).isEqualTo(302);
		assertThat(given.location()).endsWith("/console/operators");
		assertThat(after.body()).contains(target.email() + " is now support.", "Their sessions ended.");
		var row = after.body().substring(after.body().indexOf(">" + target.email() + "</th>"));
		assertThat(row.substring(0, row.indexOf("</tr>"))).contains("support", "off: cannot sign in to the console");
		var account = api.get("/v1/admin/accounts/" + target.accountId()).body();
		assertThat(account.path("account").path("role").asString()).isEqualTo("support");
		assertThat(account.path("sessions").size()).as("its sessions ended").isZero();
		var audit = api.get("/v1/admin/audit-events?targetType=account&targetId=" + target.accountId())
			.body()
			.path("data");
		var changes = new java.util.ArrayList<String>();
		audit.forEach(e -> changes.add(e.path("action").asString() + " " + e.path("actor").asString() + " "
				+ e.path("after").path("from").asString() + ">" + e.path("after").path("to").asString()));
		assertThat(changes)
			.containsOnlyOnce("account.role_changed account:" + superadmin.accountId() + " user>support");
		assertThat(again.status()).isEqualTo(302);
		assertThat(againShown.body()).contains("already is support: nothing changed.");
	}

	@Test
	void badRoleFormsAreRefusedOnThePageAndChangeNothing() {
		// given
		var superadmin = Operators.create(anonymous, jdbc, "console-super-bad", "superadmin", true, clock);
		var target = Operators.create(anonymous, jdbc, "console-bad-target", "user", false, clock);
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(superadmin.email(), superadmin.password(), superadmin.nextCode()).status())
			.isEqualTo(302);
		browser.get("/console/operators");

		// when
		var unknownRole = browser.post("/console/operators/role", Map.of("email", target.email(), "role", "owner"));
		var unknownRoleShown = browser.get("/console/operators");
		var upperCase = browser.post("/console/operators/role", Map.of("email", target.email(), "role", "ADMIN"));
		var upperCaseShown = browser.get("/console/operators");
		var noEmail = browser.post("/console/operators/role", Map.of("role", "admin"));
		var noEmailShown = browser.get("/console/operators");
		var tooLong = browser.post("/console/operators/role", Map.of("email", "a".repeat(321), "role", "admin"));
		var tooLongShown = browser.get("/console/operators");
		var unknownEmail = browser.post("/console/operators/role",
				Map.of("email", "<b>nobody</b>@example.com", "role", "admin"));
		var unknownEmailShown = browser.get("/console/operators");
		var withoutToken = browser.postRaw("/console/operators/role", Map.of("email", target.email(), "role", "admin"));

		// then
		for (var redirected : java.util.List.of(unknownRole, upperCase, noEmail, tooLong, unknownEmail)) {
			assertThat(redirected.status()).as(redirected.toString()).isEqualTo(302);
		}
		assertThat(unknownRoleShown.body()).contains("Choose a role");
		assertThat(upperCaseShown.body()).contains("Choose a role");
		assertThat(noEmailShown.body()).contains("Enter the email address");
		assertThat(tooLongShown.body()).contains("Enter the email address");
		assertThat(unknownEmailShown.body())
			.contains("No account has the address &lt;b&gt;nobody&lt;/b&gt;@example.com.");
		assertThat(withoutToken.status()).isEqualTo(403);
		assertThat(api.get("/v1/admin/accounts/" + target.accountId()).body().path("account").path("role").asString())
			.isEqualTo("user");
	}

	@Test
	void onlyASuperadminSeesTheOperatorsOrGivesRoles() {
		// given
		var admin = Operators.create(anonymous, jdbc, "console-not-super", "admin", true, clock);
		var support = Operators.create(anonymous, jdbc, "console-not-super-s", "support", true, clock);
		var target = Operators.create(anonymous, jdbc, "console-not-promoted", "user", false, clock);

		for (var operator : java.util.List.of(admin, support)) {
			var browser = new ConsoleClient(port);
			assertThat(browser.signIn(operator.email(), operator.password(), operator.nextCode()).status())
				.isEqualTo(302);

			// when
			var overview = browser.get("/console");
			var page = browser.get("/console/operators");
			var give = browser.post("/console/operators/role", Map.of("email", target.email(), "role", "superadmin"));
			var self = browser.post("/console/operators/role", Map.of("email", operator.email(), "role", "superadmin"));

			// then
			assertThat(overview.status()).isEqualTo(200);
			assertThat(overview.body()).doesNotContain("/console/operators");
			for (var refused : java.util.List.of(page, give, self)) {
				assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
				assertThat(refused.body()).contains("Not allowed", "only superadmins give roles");
			}
		}
		assertThat(api.get("/v1/admin/accounts/" + target.accountId()).body().path("account").path("role").asString())
			.isEqualTo("user");
		assertThat(api.get("/v1/admin/accounts/" + admin.accountId()).body().path("account").path("role").asString())
			.isEqualTo("admin");
	}

	@Test
	void supportEndsACustomersSessionsAndClearsItsRateLimitsAuditedWithConfirmation() {
		// given
		var support = Operators.create(anonymous, jdbc, "console-support-acts", "support", true, clock);
		var user = Operators.create(anonymous, jdbc, "console-end-user", "user", false, clock);
		var customer = api.get("/v1/admin/accounts/" + user.accountId())
			.body()
			.path("account")
			.path("customerId")
			.asString();
		var limited = newCustomer("console-limited");
		for (var i = 0; i < 3; i++) {
			consumeRate(limited, "console-rate-" + i);
		}
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(support.email(), support.password(), support.nextCode()).status()).isEqualTo(302);
		var page = browser.get("/console/customers/" + customer);

		// when
		var unconfirmedEnd = browser.post("/console/customers/" + customer + "/sessions", Map.of());
		var unconfirmedEndShown = browser.get("/console/customers/" + customer);
		var unconfirmedClear = browser.post("/console/customers/" + limited + "/rate-limits", Map.of("confirm", "no"));
		var unconfirmedClearShown = browser.get("/console/customers/" + limited);
		var sessionsLeft = api.get("/v1/admin/accounts/" + user.accountId()).body().path("sessions").size();
		var end = browser.post("/console/customers/" + customer + "/sessions", Map.of("confirm", "yes"));
		var ended = browser.get("/console/customers/" + customer);
		var clear = browser.post("/console/customers/" + limited + "/rate-limits", Map.of("confirm", "yes"));
		var cleared = browser.get("/console/customers/" + limited);
		var withoutToken = browser.postRaw("/console/customers/" + limited + "/rate-limits", Map.of("confirm", "yes"));
		var unknown = browser.post("/console/customers/nobody-" + uniqueId("x") + "/sessions",
				Map.of("confirm", "yes"));

		// then
		assertThat(page.body()).contains("End sessions</button>", "Clear rate limits</button>", user.email());
		assertThat(unconfirmedEnd.status()).isEqualTo(302);
		assertThat(unconfirmedEndShown.body()).contains("Tick the confirmation to end the sessions.");
		assertThat(unconfirmedClear.status()).isEqualTo(302);
		assertThat(unconfirmedClearShown.body()).contains("Tick the confirmation to clear the rate limits.");
		assertThat(sessionsLeft).as("nothing ended unconfirmed").isPositive();
		assertThat(end.status()).as(end.toString()).isEqualTo(302);
		assertThat(ended.body()).contains("Sessions of " + user.email() + " ended: " + sessionsLeft);
		assertThat(api.get("/v1/admin/accounts/" + user.accountId()).body().path("sessions").size()).isZero();
		assertThat(clear.status()).as(clear.toString()).isEqualTo(302);
		assertThat(cleared.body()).contains("Rate limits cleared: ", "api_rate");
		assertThat(consumeRate(limited, "console-rate-after").path("remaining").asLong())
			.as("the full burst again, less this one")
			.isEqualTo(59);
		assertThat(withoutToken.status()).isEqualTo(403);
		assertThat(unknown.status()).isEqualTo(404);
		var actor = "account:" + support.accountId();
		var accountAudit = new java.util.ArrayList<String>();
		api.get("/v1/admin/audit-events?targetType=account&targetId=" + user.accountId())
			.body()
			.path("data")
			.forEach(e -> accountAudit.add(e.path("action").asString() + " " + e.path("actor").asString()));
		assertThat(accountAudit).containsOnlyOnce("account.sessions_revoked " + actor);
		var customerAudit = new java.util.ArrayList<String>();
		api.get("/v1/admin/audit-events?targetType=customer&targetId=" + limited)
			.body()
			.path("data")
			.forEach(e -> customerAudit.add(e.path("action").asString() + " " + e.path("actor").asString()));
		assertThat(customerAudit).containsOnlyOnce("rate_limits.reset " + actor);
	}

	@Test
	void supportSeesAnAccountsSessionsAndEndsOneOfThemAudited() {
		// given: an account signed in twice
		var support = Operators.create(anonymous, jdbc, "console-support-one", "support", true, clock);
		var user = Operators.create(anonymous, jdbc, "console-one-session", "user", false, clock);
		var kept = AccountCalls.signIn(anonymous, user.email());
		var account = api.get("/v1/admin/accounts/" + user.accountId()).body();
		var customer = account.path("account").path("customerId").asString();
		var sessions = new java.util.ArrayList<String>();
		account.path("sessions").forEach(s -> sessions.add(s.path("id").asString()));
		var keptSession = AccountCalls.as(anonymous, kept)
			.get("/v1/me/sessions")
			.body()
			.path("data")
			.valueStream()
			.filter(s -> s.path("current").asBoolean())
			.findFirst()
			.orElseThrow()
			.path("id")
			.asString();
		var ending = sessions.stream().filter(id -> !id.equals(keptSession)).findFirst().orElseThrow();
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(support.email(), support.password(), support.nextCode()).status()).isEqualTo(302);
		var page = browser.get("/console/customers/" + customer);

		// when
		var end = browser.post("/console/customers/" + customer + "/sessions/" + ending + "/end", Map.of());
		var ended = browser.get("/console/customers/" + customer);
		var again = browser.post("/console/customers/" + customer + "/sessions/" + ending + "/end", Map.of());
		var againShown = browser.get("/console/customers/" + customer);
		var malformed = browser.post("/console/customers/" + customer + "/sessions/not-a-session/end", Map.of());
		var malformedShown = browser.get("/console/customers/" + customer);

		// then
		assertThat(sessions).hasSize(2);
		assertThat(page.body()).contains("id=\"sessions-table\"", "data-session=\"" + ending + "\"",
				"data-session=\"" + keptSession + "\"",
				"/console/customers/" + customer + "/sessions/" + ending + "/end");
		assertThat(end.status()).as(end.toString()).isEqualTo(302);
		assertThat(ended.body()).contains("Session of " + user.email() + " ended.")
			.doesNotContain("data-session=\"" + ending + "\"")
			.contains("data-session=\"" + keptSession + "\"");
		assertThat(AccountCalls.as(anonymous, kept).get("/v1/me/account").status()).as("the other session goes on")
			.isEqualTo(200);
		assertThat(api.get("/v1/admin/accounts/" + user.accountId()).body().path("sessions").size()).isEqualTo(1);
		assertThat(again.status()).isEqualTo(302);
		assertThat(againShown.body()).contains("No active session &#39;" + ending + "&#39; of this account");
		assertThat(malformed.status()).isEqualTo(302);
		assertThat(malformedShown.body()).contains("No such session of this customer");
		var audit = new java.util.ArrayList<String>();
		api.get("/v1/admin/audit-events?targetType=account&targetId=" + user.accountId())
			.body()
			.path("data")
			.forEach(e -> audit.add(e.path("action").asString() + " " + e.path("actor").asString() + " "
					+ e.path("after").path("session").asString()));
		assertThat(audit).containsOnlyOnce("account.session_revoked account:" + support.accountId() + " " + ending);
	}

	@Test
	void theCustomersRecentBatchesRefreshInPlaceWithoutInlineScript() {
		// given: a customer with a batch
		var support = Operators.create(anonymous, jdbc, "console-batches-live", "support", true, clock);
		var customer = newCustomer("console-batches-live");
		var submitted = api.post("/v1/batches",
				Api.json(Map.of("customerId", customer, "region", "console-live-" + uniqueId("r"), "operations",
						java.util.List.of(Map.of("type", "spawn_agent", "payload", Map.of("n", 1))))));
		assertThat(submitted.status()).as(submitted.toString()).isEqualTo(202);
		var batch = submitted.body().path("id").asString();
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(support.email(), support.password(), support.nextCode()).status()).isEqualTo(302);

		// when
		var page = browser.get("/console/customers/" + customer);
		var live = browser.get("/console/customers/" + customer + "/batches/live");
		var unknown = browser.get("/console/customers/nobody-" + uniqueId("x") + "/batches/live");

		// then
		assertThat(page.body()).contains("id=\"customer-batches\"",
				"hx-get=\"/console/customers/" + customer + "/batches/live\"", "hx-trigger=\"every 3s\"",
				"/webjars/htmx.org/2.0.4/dist/htmx.min.js", "data-batch=\"" + batch + "\"");
		assertThat(java.util.regex.Pattern.compile("<script(?![^>]*\\ssrc=)[^>]*>").matcher(page.body()).find())
			.isFalse();
		assertThat(live.status()).as(live.toString()).isEqualTo(200);
		assertThat(live.body().strip()).startsWith("<div id=\"customer-batches\"")
			.contains("data-batch=\"" + batch + "\"")
			.doesNotContain("<html", "Audit trail");
		assertThat(unknown.status()).isEqualTo(404);
	}

	@Test
	void anOperatorBelowSuperadminMayNotEndASuperadminsSessionsFromTheConsole() {
		// given
		var support = Operators.create(anonymous, jdbc, "console-support-super", "support", true, clock);
		var superadmin = Operators.create(anonymous, jdbc, "console-super-target", "superadmin", false, clock);
		var customer = api.get("/v1/admin/accounts/" + superadmin.accountId())
			.body()
			.path("account")
			.path("customerId")
			.asString();
		var sessions = api.get("/v1/admin/accounts/" + superadmin.accountId()).body().path("sessions").size();
		var browser = new ConsoleClient(port);
		assertThat(browser.signIn(support.email(), support.password(), support.nextCode()).status()).isEqualTo(302);
		browser.get("/console/customers/" + customer);

		// when
		var end = browser.post("/console/customers/" + customer + "/sessions", Map.of("confirm", "yes"));
		var shown = browser.get("/console/customers/" + customer);

		// then
		assertThat(end.status()).isEqualTo(302);
		assertThat(shown.body()).contains("Only a superadmin may end a superadmin");
		assertThat(api.get("/v1/admin/accounts/" + superadmin.accountId()).body().path("sessions").size())
			.isEqualTo(sessions)
			.isPositive();
	}

	private tools.jackson.databind.JsonNode consumeRate(String customer, String key) {
		var response = api.post("/v1/consume",
				Api.json(Map.of("customerId", customer, "feature", "api_rate", "amount", 1, "idempotencyKey", key)));
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

}

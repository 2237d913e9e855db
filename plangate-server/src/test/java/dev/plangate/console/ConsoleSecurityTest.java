package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

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
		assertThat(page.body()).contains("Your role reads only").doesNotContain("Change plan</button>");
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

}

package dev.plangate.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.support.Api;
import dev.plangate.support.AuthenticatorApp;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;

/**
 * The portal for an end user's account over plain HTTP: the sign-in with its second
 * factor and lockout, the account's own sessions, second factor, keys and organization,
 * and what a customer token or another account may not see or do.
 */
class PortalAccountTest extends ServerTest {

	private static final Pattern SECRET = Pattern.compile("(pg_pk_[A-Za-z0-9_]+)");

	private static final Pattern TOTP_KEY = Pattern.compile("class=\"secret\">([A-Z2-7]+)<");

	@Autowired
	private JdbcClient jdbc;

	@Autowired
	private Clock clock;

	@Test
	void anAccountSignsInWithPasswordThenSecondFactorAndSeesItsOwnCustomersUsage() {
		// given
		var user = Operators.create(anonymous, jdbc, "portal-2fa", "user", true, clock);
		var customer = customerOf(user);
		api.post("/v1/consume", Api.json(Map.of("customerId", customer, "feature", "api_calls", "amount", 321)));
		var browser = new ConsoleClient(port);
		browser.get("/portal/login");
		var before = browser.cookie("PLANGATE_CONSOLE");

		// when
		var password = browser.post("/portal/login", Map.of("login", user.email(), "password", user.password()));
		var codePage = browser.get("/portal/login/code");
		var code = browser.post("/portal/login/code", Map.of("code", user.nextCode()));
		var usage = browser.get("/portal");

		// then
		assertThat(password.status()).as(password.toString()).isEqualTo(302);
		assertThat(password.location()).endsWith("/portal/login/code");
		assertThat(codePage.status()).isEqualTo(200);
		assertThat(code.status()).as(code.toString()).isEqualTo(302);
		assertThat(code.location()).endsWith("/portal");
		assertThat(browser.cookie("PLANGATE_CONSOLE")).as("no session fixation").isNotEqualTo(before);
		assertThat(usage.status()).as(usage.toString()).isEqualTo(200);
		assertThat(usage.body()).contains("API calls", "321", user.email(), "Sign out", "Alerts",
				"What your plan includes");
		assertThat(browser.get("/console").status()).as("an end user's session opens no console page").isEqualTo(403);
	}

	@Test
	void anAccountWithoutASecondFactorSignsInWithItsPasswordAlone() {
		// given
		var user = Operators.create(anonymous, jdbc, "portal-pw", "user", false, clock);
		var browser = new ConsoleClient(port);
		browser.get("/portal/login");

		// when
		var signedIn = browser.post("/portal/login", Map.of("login", user.email(), "password", user.password()));
		var page = browser.get("/portal/sessions");

		// then
		assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(302);
		assertThat(signedIn.location()).endsWith("/portal");
		assertThat(page.status()).as(page.toString()).isEqualTo(200);
		assertThat(page.body()).contains("this session");
	}

	@Test
	void aWrongPasswordOrCodeIsRefusedOnThePageAndRepeatedFailuresLockTheAccount() {
		// given
		var user = Operators.create(anonymous, jdbc, "portal-wrong", "user", true, clock);
		var browser = new ConsoleClient(port);
		browser.get("/portal/login");

		// when
		browser.post("/portal/login", Map.of("login", user.email(), "password", user.password()));
		browser.get("/portal/login/code");
		var wrongCode = browser.post("/portal/login/code",
				Map.of("code", "000000".equals(user.nextCode()) ? "111111" : "000000"));
		var wrongPassword = browser.post("/portal/login",
				Map.of("login", user.email(), "password", "not the password at all"));
		for (int i = 0; i < 5; i++) {
			browser.post("/portal/login", Map.of("login", user.email(), "password", "still not the password"));
		}
		var locked = browser.post("/portal/login", Map.of("login", user.email(), "password", user.password()));
		var page = browser.get("/portal/sessions");

		// then
		assertThat(wrongCode.status()).as(wrongCode.toString()).isEqualTo(401);
		assertThat(wrongCode.body()).contains("Second factor");
		assertThat(wrongPassword.status()).isEqualTo(401);
		assertThat(wrongPassword.body()).contains("The login or the password is wrong");
		assertThat(locked.status()).as("locked out as the API locks out: %s", locked).isEqualTo(429);
		assertThat(locked.header("Retry-After")).isNotNull();
		assertThat(page.status()).isEqualTo(401);
	}

	@Test
	void formsWithoutTheirCsrfTokenAreRefused() {
		// given
		var user = Operators.create(anonymous, jdbc, "portal-csrf", "user", false, clock);
		var browser = signedIn(user);

		// when
		var withoutToken = browser.postRaw("/portal/keys", Map.of("name", "forged", "access", "write"));
		var wrongToken = browser.postRaw("/portal/keys", Map.of("name", "forged", "access", "write", "_csrf", "x"));
		var loginWithoutToken = new ConsoleClient(port).postRaw("/portal/login",
				Map.of("login", user.email(), "password", user.password()));

		// then
		for (var refused : List.of(withoutToken, wrongToken, loginWithoutToken)) {
			assertThat(refused.status()).as(refused.toString()).isEqualTo(403);
		}
		assertThat(withoutToken.body()).contains("The form was out of date");
		assertThat(browser.get("/portal/keys").body()).contains("No keys yet.");
	}

	@Test
	void aPersonalKeyIsCreatedItsSecretShownOnceAndRevoked() {
		// given
		var user = Operators.create(anonymous, jdbc, "portal-keys", "user", false, clock);
		var browser = signedIn(user);
		browser.get("/portal/keys");

		// when
		var created = browser.post("/portal/keys",
				Map.of("name", "<script>alert(1)</script>", "access", "read", "expiresInDays", "30"));
		var shown = browser.get("/portal/keys");
		var again = browser.get("/portal/keys");
		var matcher = SECRET.matcher(shown.body());
		assertThat(matcher.find()).as(shown.body()).isTrue();
		var secret = matcher.group(1);
		var usedBefore = anonymous.withKey(secret).get("/v1/me/usage");
		var id = jdbc.sql("select id from personal_api_key where account_id = :a")
			.param("a", UUID.fromString(user.accountId()))
			.query(String.class)
			.single();
		var revoked = browser.post("/portal/keys/" + id + "/revoke", Map.of());
		var usedAfter = anonymous.withKey(secret).get("/v1/me/usage");

		// then
		assertThat(created.status()).isEqualTo(302);
		assertThat(shown.body()).contains("Copy its secret now", "&lt;script&gt;alert(1)&lt;/script&gt;")
			.doesNotContain("<script>alert(1)</script>");
		assertThat(again.body()).as("the secret is shown once").doesNotContain(secret);
		assertThat(usedBefore.status()).as(usedBefore.toString()).isEqualTo(200);
		assertThat(revoked.status()).isEqualTo(302);
		assertThat(browser.get("/portal/keys").body()).contains("The key was revoked", "revoked");
		assertThat(usedAfter.status()).isEqualTo(401);
	}

	@Test
	void aKeyWithABadNameOrLifetimeIsRefusedOnThePage() {
		// given
		var user = Operators.create(anonymous, jdbc, "portal-badkey", "user", false, clock);
		var browser = signedIn(user);
		browser.get("/portal/keys");

		// when
		browser.post("/portal/keys", Map.of("name", " ", "access", "read"));
		var blank = browser.get("/portal/keys");
		browser.post("/portal/keys", Map.of("name", "k", "access", "admin"));
		var access = browser.get("/portal/keys");
		browser.post("/portal/keys", Map.of("name", "k", "access", "read", "expiresInDays", "9999"));
		var lifetime = browser.get("/portal/keys");
		browser.post("/portal/keys", Map.of("name", "k", "access", "read", "expiresInDays", "soon"));
		var notANumber = browser.get("/portal/keys");

		// then
		assertThat(blank.body()).contains("Name the key");
		assertThat(access.body()).contains("Choose read or read and write access");
		assertThat(lifetime.body()).contains("expiresInDays");
		assertThat(notANumber.body()).contains("must be a number of days");
		assertThat(notANumber.body()).contains("No keys yet.");
	}

	@Test
	void twoFactorIsTurnedOnWithACodeItsRecoveryCodesShownOnceAndThenAskedAtSignIn() {
		// given
		var user = Operators.create(anonymous, jdbc, "portal-enrol", "user", false, clock);
		var browser = signedIn(user);
		browser.get("/portal/two-factor");

		// when
		browser.post("/portal/two-factor", Map.of("password", user.password()));
		var enrolment = browser.get("/portal/two-factor");
		var matcher = TOTP_KEY.matcher(enrolment.body());
		assertThat(matcher.find()).as(enrolment.body()).isTrue();
		var secret = AuthenticatorApp.fromBase32(matcher.group(1));
		browser.post("/portal/two-factor/confirm",
				Map.of("code", "000000".equals(AuthenticatorApp.code(secret, clock.instant())) ? "111111" : "000000"));
		var wrong = browser.get("/portal/two-factor");
		browser.post("/portal/two-factor/confirm", Map.of("code", AuthenticatorApp.code(secret, clock.instant())));
		var on = browser.get("/portal/two-factor");
		var later = browser.get("/portal/two-factor");
		var nextSignIn = new ConsoleClient(port);
		nextSignIn.get("/portal/login");
		var password = nextSignIn.post("/portal/login", Map.of("login", user.email(), "password", user.password()));

		// then
		assertThat(enrolment.body()).contains("otpauth://totp/");
		assertThat(QrCodesTest.decode(enrolment.body())).as("the QR code holds the setup link")
			.startsWith("otpauth://totp/")
			.contains("secret=" + matcher.group(1));
		assertThat(wrong.body()).contains("class=\"error\"");
		assertThat(on.body()).contains("Two-factor authentication is on.", "Your recovery codes");
		assertThat(later.body()).doesNotContain("Your recovery codes").contains("10</span> recovery codes left");
		assertThat(password.status()).isEqualTo(302);
		assertThat(password.location()).endsWith("/portal/login/code");
	}

	@Test
	void anOwnerInvitesAMemberAndRevokesTheInvitationAndAPlainMemberMayNot() {
		// given
		var owner = Operators.create(anonymous, jdbc, "portal-owner", "user", false, clock);
		var me = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, owner.email()));
		var organization = me.post("/v1/me/organizations", Api.json(Map.of("name", "<b>Acme</b>")));
		assertThat(organization.status()).as(organization.toString()).isEqualTo(201);
		var orgId = organization.body().path("id").asString();
		var upgraded = api.post("/v1/customers/" + orgId + "/subscription", Api.json(Map.of("plan", "pro")));
		assertThat(upgraded.status()).as("a plan with seats for more: %s", upgraded).isEqualTo(200);
		var browser = signedIn(owner);
		browser.get("/portal/organization");
		var invitee = TestMail.uniqueAddress("portal-invitee");

		// when
		var invited = browser.post("/portal/organizations/" + orgId + "/invitations",
				Map.of("email", invitee, "role", "member"));
		var page = browser.get("/portal/organization");
		var badRole = browser.post("/portal/organizations/" + orgId + "/invitations",
				Map.of("email", invitee, "role", "emperor"));
		var badRolePage = browser.get("/portal/organization");
		var otherOrg = browser.post("/portal/organizations/org_nope/invitations",
				Map.of("email", invitee, "role", "member"));
		var otherOrgPage = browser.get("/portal/organization");
		assertThat(page.body()).as(page.body()).contains("An invitation was mailed to " + invitee);
		var invitationId = jdbc.sql("select id from invitation where organization_id = :o and revoked_at is null")
			.param("o", orgId)
			.query(String.class)
			.single();
		browser.post("/portal/organizations/" + orgId + "/invitations/" + invitationId + "/revoke", Map.of());
		var afterRevoke = browser.get("/portal/organization");

		// then
		assertThat(invited.status()).isEqualTo(302);
		assertThat(page.body()).contains("An invitation was mailed to " + invitee, invitee, "&lt;b&gt;Acme&lt;/b&gt;");
		assertThat(AccountCalls.mail(invitee, 1).text()).contains("token=");
		assertThat(badRolePage.body()).contains("role must be");
		assertThat(otherOrgPage.body()).contains("class=\"error\"");
		assertThat(afterRevoke.body()).contains("The invitation was revoked.", "No pending invitations.");
		assertThat(List.of(badRole.status(), otherOrg.status())).containsOnly(302);
	}

	@Test
	void aCustomerTokenShowsItsOwnCustomerOnlyAndNoAccountPages() {
		// given
		var a = newCustomer("portal-tok-a");
		var b = newCustomer("portal-tok-b");
		api.post("/v1/consume", Api.json(Map.of("customerId", a, "feature", "api_calls", "amount", 111)));
		api.post("/v1/consume", Api.json(Map.of("customerId", b, "feature", "api_calls", "amount", 999)));
		var token = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", a))).body().path("token").asString();
		var browser = new ConsoleClient(port);
		assertThat(browser.get("/portal?token=" + token).status()).isEqualTo(302);

		// when
		var usage = browser.get("/portal");
		var plans = browser.get("/portal/plans");
		var accountPages = List.of(browser.get("/portal/sessions"), browser.get("/portal/two-factor"),
				browser.get("/portal/keys"), browser.get("/portal/organization"));
		var post = browser.post("/portal/keys", Map.of("name", "k", "access", "read"));

		// then
		assertThat(usage.status()).isEqualTo(200);
		assertThat(usage.body()).contains("111").doesNotContain("999").doesNotContain("Sessions");
		assertThat(plans.status()).isEqualTo(200);
		assertThat(plans.body()).contains("your plan", "Plans compared");
		for (var page : accountPages) {
			assertThat(page.status()).as(page.toString()).isEqualTo(403);
			assertThat(page.body()).contains("Sign in with your account");
		}
		assertThat(post.status()).isEqualTo(403);
	}

	@Test
	void withoutBillingThePlansPageComparesAndSendsPlanChangesToTheAppAndNoInvoicesAreShown() {
		// given
		var user = Operators.create(anonymous, jdbc, "portal-plans", "user", false, clock);
		var browser = signedIn(user);
		var plans = browser.get("/portal/plans");

		// when
		var checkout = browser.post("/portal/plans/checkout", Map.of("plan", "pro"));
		var after = browser.get("/portal/plans");
		var invoices = browser.get("/portal/invoices");
		var billingPortal = browser.post("/portal/billing", Map.of());
		var afterPortal = browser.get("/portal/invoices");

		// then
		assertThat(plans.status()).isEqualTo(200);
		assertThat(plans.body()).contains("Plans compared", "your plan", "The cheapest plan that fits",
				"plan changes are made there");
		assertThat(plans.body()).doesNotContain("Change to ");
		assertThat(checkout.status()).isEqualTo(302);
		assertThat(checkout.location()).endsWith("/portal/plans");
		assertThat(after.body()).contains("Plan changes are made in your app.");
		assertThat(api.get("/v1/customers/" + customerOf(user) + "/subscription")
			.body()
			.path("plan")
			.path("key")
			.asString()).isEqualTo("free");
		assertThat(invoices.status()).isEqualTo(200);
		assertThat(invoices.body()).contains("Payments are not taken here");
		assertThat(billingPortal.status()).isEqualTo(302);
		assertThat(afterPortal.body()).contains("class=\"error\"");
	}

	@Test
	void anAccountMayNotEndAnotherAccountsSessionOrRevokeItsKey() {
		// given
		var mine = Operators.create(anonymous, jdbc, "portal-mine", "user", false, clock);
		var theirs = Operators.create(anonymous, jdbc, "portal-theirs", "user", false, clock);
		var theirSignIn = AccountCalls.signIn(anonymous, theirs.email());
		var theirSession = theirSignIn.path("sessionId").asString();
		var theirApi = AccountCalls.as(anonymous, theirSignIn);
		var theirKey = theirApi.post("/v1/me/api-keys", Api.json(Map.of("name", "theirs", "scopes", List.of("read"))));
		assertThat(theirKey.status()).as(theirKey.toString()).isEqualTo(201);
		var browser = signedIn(mine);
		browser.get("/portal/sessions");

		// when
		browser.post("/portal/sessions/" + theirSession + "/end", Map.of());
		var sessions = browser.get("/portal/sessions");
		browser.post("/portal/keys/" + theirKey.body().path("id").asString() + "/revoke", Map.of());
		var keys = browser.get("/portal/keys");
		var malformed = browser.post("/portal/keys/not-a-uuid/revoke", Map.of());

		// then
		assertThat(sessions.body()).contains("class=\"error\"");
		assertThat(theirApi.get("/v1/me/sessions").status()).as("their session goes on").isEqualTo(200);
		assertThat(keys.body()).contains("class=\"error\"");
		assertThat(theirApi.get("/v1/me/api-keys").body().path("data").get(0).path("status").asString())
			.isEqualTo("active");
		assertThat(malformed.status()).isEqualTo(400);
	}

	@Test
	void signingOutEndsThePortalSessionAndItsPlangateSession() {
		// given
		var user = Operators.create(anonymous, jdbc, "portal-out", "user", false, clock);
		var browser = signedIn(user);
		browser.get("/portal");
		var before = api.get("/v1/admin/accounts/" + user.accountId()).body().path("sessions").size();

		// when
		var out = browser.post("/portal/logout", Map.of());
		var after = browser.get("/portal/sessions");

		// then
		assertThat(out.status()).isEqualTo(302);
		assertThat(out.location()).endsWith("/portal/login?signedOut");
		assertThat(after.status()).isEqualTo(401);
		var sessions = api.get("/v1/admin/accounts/" + user.accountId()).body().path("sessions");
		assertThat(sessions.size()).as("its Plangate session ended: %s", sessions).isEqualTo(before - 1);
	}

	@Test
	void anotherDeviceEndingTheSessionEndsThePortalSession() {
		// given
		var user = Operators.create(anonymous, jdbc, "portal-elsewhere", "user", false, clock);
		var browser = signedIn(user);
		var other = AccountCalls.signIn(anonymous, user.email());

		// when
		var ended = AccountCalls.as(anonymous, other).post("/v1/me/sessions/revoke-others", null);
		var after = browser.get("/portal");

		// then
		assertThat(ended.status()).as(ended.toString()).isEqualTo(200);
		assertThat(after.status()).isEqualTo(302);
		assertThat(after.location()).endsWith("/portal/login?expired");
	}

	private ConsoleClient signedIn(Operators.Operator user) {
		var browser = new ConsoleClient(port);
		browser.get("/portal/login");
		var signedIn = browser.post("/portal/login", Map.of("login", user.email(), "password", user.password()));
		assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(302);
		assertThat(signedIn.location()).endsWith("/portal");
		return browser;
	}

	private String customerOf(Operators.Operator user) {
		return jdbc.sql("select customer_id from account where email = :e")
			.param("e", user.email())
			.query(String.class)
			.single();
	}

}

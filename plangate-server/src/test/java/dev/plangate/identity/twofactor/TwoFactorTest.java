package dev.plangate.identity.twofactor;

import static dev.plangate.identity.account.AccountCalls.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.support.Api;
import dev.plangate.support.AuthenticatorApp;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;
import tools.jackson.databind.JsonNode;

/**
 * Two-factor authentication over HTTP, on a server whose clock the test moves, so that
 * codes are computed for a known time step and steps pass on demand: enrolment,
 * confirmation, sign-in with a code or a recovery code, each accepted once, the window of
 * one step either way, turning it off, and the refusals.
 */
@FreshSchema
@Import(TwoFactorTest.Clocks.class)
class TwoFactorTest extends ServerTest {

	private static final Instant START = Instant.parse("2027-05-01T09:00:00Z");

	private static final Duration STEP = Duration.ofSeconds(30);

	@TestConfiguration(proxyBeanMethods = false)
	static class Clocks {

		@Bean
		@Primary
		MovableClock movableClock() {
			return new MovableClock(START);
		}

	}

	@DynamicPropertySource
	static void properties(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "two_factor");
		// rate-limit state of a moved clock must not meet that of servers on the real one
		registry.add("plangate.redis-prefix", () -> "plangate:rl:two-factor-" + UUID.randomUUID() + ":");
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private JdbcClient jdbc;

	@BeforeEach
	void later() {
		// a fresh hour: every rate limit has its full burst again
		clock.advance(Duration.ofHours(2));
	}

	/** A signed-in account with two-factor authentication on. */
	private record Enrolled(String email, byte[] secret, List<String> recoveryCodes, Api me) {
	}

	private Enrolled enrolled(String prefix) {
		var email = AccountCalls.verifiedAccount(anonymous, prefix);
		var me = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
		var started = me.post("/v1/me/two-factor", Api.json(Map.of("password", PASSWORD)));
		assertThat(started.status()).as(started.toString()).isEqualTo(200);
		var secret = AuthenticatorApp.fromBase32(started.body().get("secret").asString());
		var confirmed = me.post("/v1/me/two-factor/confirm",
				Api.json(Map.of("code", AuthenticatorApp.code(secret, clock.instant()))));
		assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
		var codes = new ArrayList<String>();
		confirmed.body().get("recoveryCodes").forEach(c -> codes.add(c.asString()));
		// the confirmation used this step's code
		clock.advance(STEP);
		return new Enrolled(email, secret, codes, me);
	}

	private Api.Response login(String email, String code) {
		return anonymous.post("/v1/auth/login", Api.json(Map.of("login", email, "password", PASSWORD, "code", code)));
	}

	private static Api.Response disable(Api me, String password, String code) {
		return me.send("DELETE", "/v1/me/two-factor", Api.json(Map.of("password", password, "code", code)), Map.of());
	}

	@Test
	void aSecondFactorsSecretIsNeverKeptForReplay() {
		// given
		var me = AccountCalls.as(anonymous,
				AccountCalls.signIn(anonymous, AccountCalls.verifiedAccount(anonymous, "tf-replay")));
		var body = Api.json(Map.of("password", PASSWORD));
		var headers = Map.of("Idempotency-Key", "enrol-" + UUID.randomUUID());

		// when
		var first = me.send("POST", "/v1/me/two-factor", body, headers);
		var second = me.send("POST", "/v1/me/two-factor", body, headers);

		// then
		assertThat(first.status()).isEqualTo(200);
		assertThat(second.status()).isEqualTo(200);
		assertThat(second.header("Idempotent-Replayed")).isNull();
		assertThat(second.body().get("secret").asString()).isNotEqualTo(first.body().get("secret").asString());
		assertThat(jdbc.sql("select count(*) from idempotency_record where body like :secret")
			.param("secret", "%" + first.body().get("secret").asString() + "%")
			.query(Long.class)
			.single()).isZero();
	}

	@Test
	void enrolConfirmAndSignInWithACodeWhichIsAcceptedOnce() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "tfa-flow");
		var me = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
		var before = me.get("/v1/me/two-factor");

		// when
		var started = me.post("/v1/me/two-factor", Api.json(Map.of("password", PASSWORD)));

		// then
		assertThat(before.status()).as(before.toString()).isEqualTo(200);
		assertThat(before.body().get("enabled").asBoolean()).isFalse();
		assertThat(started.status()).as(started.toString()).isEqualTo(200);
		var secretText = started.body().get("secret").asString();
		assertThat(secretText).matches("[A-Z2-7]{32}");
		assertThat(started.body().get("provisioningUri").asString()).isEqualTo("otpauth://totp/Plangate:"
				+ Api.encode(email) + "?secret=" + secretText + "&issuer=Plangate&algorithm=SHA1&digits=6&period=30");
		var stored = jdbc.sql("select totp_secret from account where email = :email")
			.param("email", email)
			.query(String.class)
			.single();
		assertThat(stored).isNotBlank().doesNotContain(secretText);
		assertThat(AccountCalls.login(anonymous, email, PASSWORD).status()).as("not on before the confirmation")
			.isEqualTo(200);

		// when
		var secret = AuthenticatorApp.fromBase32(secretText);
		var confirmed = me.post("/v1/me/two-factor/confirm",
				Api.json(Map.of("code", AuthenticatorApp.code(secret, clock.instant()))));

		// then
		assertThat(confirmed.status()).as(confirmed.toString()).isEqualTo(200);
		var codes = new ArrayList<String>();
		confirmed.body().get("recoveryCodes").forEach(c -> codes.add(c.asString()));
		assertThat(codes).hasSize(10).doesNotHaveDuplicates().allMatch(c -> c.matches("[a-z2-7]{4}(-[a-z2-7]{4}){2}"));
		var hashes = jdbc.sql("""
				select r.code_hash from recovery_code r join account a on a.id = r.account_id where a.email = :email""")
			.param("email", email)
			.query(String.class)
			.list();
		assertThat(hashes).hasSize(10).noneMatch(h -> codes.stream().anyMatch(c -> h.contains(c.replace("-", ""))));
		var status = me.get("/v1/me/two-factor").body();
		assertThat(status.get("enabled").asBoolean()).isTrue();
		assertThat(Instant.parse(status.get("enabledAt").asString())).isEqualTo(clock.instant());
		assertThat(status.get("recoveryCodesLeft").asInt()).isEqualTo(10);
		assertThat(AccountCalls.mail(email, 2).subject()).isEqualTo("Two-factor authentication is on");

		// when
		clock.advance(STEP);
		var withoutCode = AccountCalls.login(anonymous, email, PASSWORD);
		var current = AuthenticatorApp.code(secret, clock.instant());
		var withCode = login(email, current);
		var reused = login(email, current);

		// then
		assertThat(withoutCode.status()).isEqualTo(401);
		assertThat(withoutCode.code()).isEqualTo("second_factor_required");
		assertThat(withCode.status()).as(withCode.toString()).isEqualTo(200);
		assertThat(withCode.body().get("accessToken").asString()).isNotBlank();
		assertThat(reused.status()).as("a reused TOTP code").isEqualTo(401);
		assertThat(reused.code()).isEqualTo("invalid_second_factor");
		assertThat(reused.text()).doesNotContain(current);
	}

	@Test
	void aRecoveryCodeSignsInOnce() {
		// given
		var enrolled = enrolled("tfa-recovery");
		var recovery = enrolled.recoveryCodes().get(3);

		// when
		var first = login(enrolled.email(), recovery.toUpperCase(Locale.ROOT));
		var again = login(enrolled.email(), recovery);

		// then
		assertThat(first.status()).as(first.toString()).isEqualTo(200);
		assertThat(again.status()).isEqualTo(401);
		assertThat(again.code()).isEqualTo("invalid_second_factor");
		assertThat(enrolled.me().get("/v1/me/two-factor").body().get("recoveryCodesLeft").asInt()).isEqualTo(9);
		assertThat(login(enrolled.email(), enrolled.recoveryCodes().get(4)).status()).isEqualTo(200);
	}

	@Test
	void wrongCodesAreRefusedAndCountTowardsTheLockout() {
		// given
		var enrolled = enrolled("tfa-lockout");

		// when
		var wrong = new ArrayList<Api.Response>();
		for (int i = 0; i < 5; i++) {
			wrong.add(login(enrolled.email(), i % 2 == 0 ? "000000" : "aaaa-bbbb-cccc"));
		}
		var right = login(enrolled.email(), AuthenticatorApp.code(enrolled.secret(), clock.instant()));

		// then
		assertThat(wrong).allSatisfy(r -> {
			assertThat(r.status()).isEqualTo(401);
			assertThat(r.code()).isEqualTo("invalid_second_factor");
		});
		assertThat(right.status()).as("locked after five failures").isEqualTo(429);
		assertThat(right.code()).isEqualTo("too_many_attempts");
		var locked = toldLocked(enrolled);
		assertThat(locked).as("the lockout is told once").hasSize(1);
		assertThat(locked.get(0).path("data").path("failedAttempts").asInt()).isEqualTo(5);
		assertThat(locked.get(0).path("data").path("account").path("email").asString()).isEqualTo(enrolled.email());
		assertThat(locked.get(0).path("data").path("account").path("twoFactorEnabled").asBoolean()).isTrue();
	}

	@Test
	void wrongPasswordsAndWrongOrMissingCodesRacingLockOnceAndTellItOnce() throws Exception {
		// given
		var enrolled = enrolled("tfa-lockout-race");
		var attempts = new ArrayList<Callable<Api.Response>>();
		for (int i = 0; i < 9; i++) {
			attempts.add(switch (i % 3) {
				case 0 -> () -> anonymous.post("/v1/auth/login",
						Api.json(Map.of("login", enrolled.email(), "password", "a wrong guess 123", "code", "000000")));
				case 1 -> () -> login(enrolled.email(), "000000");
				default -> () -> anonymous.post("/v1/auth/login",
						Api.json(Map.of("login", enrolled.email(), "password", PASSWORD)));
			});
		}

		// when
		var answers = Race.run(attempts);

		// then: five attempts were checked, and the lock they made refused the rest
		assertThat(answers).filteredOn(r -> r.status() != 429).as(answers.toString()).hasSize(5);
		assertThat(answers).filteredOn(r -> r.status() == 429)
			.allSatisfy(r -> assertThat(r.code()).isEqualTo("too_many_attempts"));
		assertThat(answers).filteredOn(r -> r.status() != 429)
			.extracting(Api.Response::code)
			.isSubsetOf("invalid_credentials", "invalid_second_factor", "second_factor_required");
		var locked = toldLocked(enrolled);
		assertThat(locked).as("the lockout is told once").hasSize(1);
		assertThat(locked.get(0).path("data").path("failedAttempts").asInt()).isEqualTo(5);
	}

	@Test
	void aLockoutEndedAndMadeAgainByWrongCodesIsToldEachTime() {
		// given: locked by wrong codes, then the lock runs out
		var enrolled = enrolled("tfa-lockout-again");
		for (int i = 0; i < 5; i++) {
			assertThat(login(enrolled.email(), "000000").code()).isEqualTo("invalid_second_factor");
		}
		clock.advance(Duration.ofMinutes(2));

		// when: one more wrong code
		var again = login(enrolled.email(), "000000");

		// then
		assertThat(again.code()).isEqualTo("invalid_second_factor");
		assertThat(toldLocked(enrolled)).extracting(e -> e.path("data").path("failedAttempts").asInt())
			.containsExactly(6, 5);
	}

	/** The {@code account.locked} events of the account's customer, newest first. */
	private List<JsonNode> toldLocked(Enrolled enrolled) {
		var customerId = enrolled.me().get("/v1/me").body().path("customerId").asString();
		var response = api.get("/v1/customers/" + Api.encode(customerId) + "/events?type=account.locked");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		var events = new ArrayList<JsonNode>();
		response.body().path("data").forEach(events::add);
		return events;
	}

	@Test
	void codesOfOneStepBeforeOrAfterAreAcceptedAndNoneFurther() {
		// given
		var enrolled = enrolled("tfa-window");
		clock.advance(Duration.ofMinutes(5));
		var now = clock.instant();

		// when
		var previous = login(enrolled.email(), AuthenticatorApp.code(enrolled.secret(), now.minus(STEP)));
		var next = login(enrolled.email(), AuthenticatorApp.code(enrolled.secret(), now.plus(STEP)));
		var currentAfterNext = login(enrolled.email(), AuthenticatorApp.code(enrolled.secret(), now));
		clock.advance(Duration.ofMinutes(5));
		now = clock.instant();
		var twoBefore = login(enrolled.email(),
				AuthenticatorApp.code(enrolled.secret(), now.minus(STEP.multipliedBy(2))));
		var twoAfter = login(enrolled.email(),
				AuthenticatorApp.code(enrolled.secret(), now.plus(STEP.multipliedBy(2))));

		// then
		assertThat(previous.status()).as(previous.toString()).isEqualTo(200);
		assertThat(next.status()).as(next.toString()).isEqualTo(200);
		assertThat(currentAfterNext.code()).as("a step before one used").isEqualTo("invalid_second_factor");
		assertThat(twoBefore.code()).isEqualTo("invalid_second_factor");
		assertThat(twoAfter.code()).isEqualTo("invalid_second_factor");
	}

	@Test
	void parallelUsesOfOneCodeAdmitOne() throws Exception {
		// given
		var enrolled = enrolled("tfa-race");
		var current = AuthenticatorApp.code(enrolled.secret(), clock.instant());

		// when
		var answers = Race.times(4, () -> login(enrolled.email(), current).code());

		// then
		assertThat(answers).as("the one sign-in answers no code").filteredOn(String::isEmpty).hasSize(1);
		assertThat(answers).filteredOn("invalid_second_factor"::equals).hasSize(3);
	}

	@Test
	void parallelUsesOfOneRecoveryCodeAdmitOne() throws Exception {
		// given
		var enrolled = enrolled("tfa-race-recovery");
		var recovery = enrolled.recoveryCodes().get(0);

		// when
		var answers = Race.times(4, () -> login(enrolled.email(), recovery).code());

		// then
		assertThat(answers).as("the one sign-in answers no code").filteredOn(String::isEmpty).hasSize(1);
		assertThat(answers).filteredOn("invalid_second_factor"::equals).hasSize(3);
	}

	@Test
	void parallelConfirmationsWithOneCodeTurnItOnOnce() throws Exception {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "tfa-race-confirm");
		var me = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
		var secret = AuthenticatorApp.fromBase32(
				me.post("/v1/me/two-factor", Api.json(Map.of("password", PASSWORD))).body().get("secret").asString());
		var body = Api.json(Map.of("code", AuthenticatorApp.code(secret, clock.instant())));

		// when
		var answers = Race.times(4, () -> me.post("/v1/me/two-factor/confirm", body).status());

		// then
		assertThat(answers).filteredOn(s -> s == 200).hasSize(1);
		assertThat(answers).filteredOn(s -> s == 409 || s == 401).hasSize(3);
		assertThat(me.get("/v1/me/two-factor").body().get("recoveryCodesLeft").asInt()).isEqualTo(10);
	}

	@Test
	void turningItOffNeedsThePasswordAndACurrentFactor() {
		// given
		var enrolled = enrolled("tfa-off");
		var me = enrolled.me();
		var used = AuthenticatorApp.code(enrolled.secret(), clock.instant());
		assertThat(login(enrolled.email(), used).status()).isEqualTo(200);

		// when
		var wrongCode = disable(me, PASSWORD, "123456");
		var usedCode = disable(me, PASSWORD, used);
		var wrongPassword = disable(me, "not the password 1", enrolled.recoveryCodes().get(0));
		var missing = me.send("DELETE", "/v1/me/two-factor", Api.json(Map.of("password", PASSWORD)), Map.of());
		var stillOn = me.get("/v1/me/two-factor").body();

		// then
		assertThat(wrongCode.status()).isEqualTo(401);
		assertThat(wrongCode.code()).isEqualTo("invalid_second_factor");
		assertThat(usedCode.code()).isEqualTo("invalid_second_factor");
		assertThat(wrongPassword.status()).isEqualTo(401);
		assertThat(wrongPassword.code()).isEqualTo("invalid_credentials");
		assertThat(missing.status()).isEqualTo(400);
		assertThat(missing.code()).isEqualTo("invalid_request");
		assertThat(stillOn.get("enabled").asBoolean()).isTrue();
		assertThat(stillOn.get("recoveryCodesLeft").asInt()).as("a refused attempt uses no code").isEqualTo(10);

		// when
		var off = disable(me, PASSWORD, enrolled.recoveryCodes().get(0));

		// then
		assertThat(off.status()).as(off.toString()).isEqualTo(204);
		var status = me.get("/v1/me/two-factor").body();
		assertThat(status.get("enabled").asBoolean()).isFalse();
		assertThat(status.get("recoveryCodesLeft").asInt()).isZero();
		assertThat(AccountCalls.login(anonymous, enrolled.email(), PASSWORD).status()).isEqualTo(200);
		assertThat(AccountCalls.mail(enrolled.email(), 3).subject()).isEqualTo("Two-factor authentication is off");
		var left = jdbc.sql("""
				select count(*) from recovery_code r join account a on a.id = r.account_id where a.email = :email""")
			.param("email", enrolled.email())
			.query(Long.class)
			.single();
		assertThat(left).isZero();
		assertThat(jdbc
			.sql("""
					select action from audit_event
					where target_type = 'account' and target_id = (select cast(id as varchar) from account where email = :email)
					  and action like 'account.two_factor%' order by id""")
			.param("email", enrolled.email())
			.query(String.class)
			.list()).containsExactly("account.two_factor_enrolment_started", "account.two_factor_enabled",
					"account.two_factor_disabled");
		assertThat(disable(me, PASSWORD, "123456").code()).isEqualTo("two_factor_not_enabled");
	}

	@Test
	void newRecoveryCodesReplaceTheOldGivenACurrentCode() {
		// given
		var enrolled = enrolled("tfa-regenerate");
		var me = enrolled.me();

		// when
		var wrong = me.post("/v1/me/two-factor/recovery-codes", Api.json(Map.of("code", "654321")));
		var renewed = me.post("/v1/me/two-factor/recovery-codes",
				Api.json(Map.of("code", AuthenticatorApp.code(enrolled.secret(), clock.instant()))));

		// then
		assertThat(wrong.status()).isEqualTo(401);
		assertThat(wrong.code()).isEqualTo("invalid_second_factor");
		assertThat(renewed.status()).as(renewed.toString()).isEqualTo(200);
		var codes = new ArrayList<String>();
		renewed.body().get("recoveryCodes").forEach(c -> codes.add(c.asString()));
		assertThat(codes).hasSize(10).doesNotContainAnyElementsOf(enrolled.recoveryCodes());
		assertThat(login(enrolled.email(), enrolled.recoveryCodes().get(1)).code()).isEqualTo("invalid_second_factor");
		assertThat(login(enrolled.email(), codes.get(1)).status()).isEqualTo(200);
	}

	@Test
	void enrolmentRefusals() {
		// given
		var enrolled = enrolled("tfa-refusals");
		var email = AccountCalls.verifiedAccount(anonymous, "tfa-refusals-off");
		var me = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));
		var unverified = TestMail.uniqueAddress("tfa-unverified");
		AccountCalls.register(anonymous, unverified, PASSWORD);
		var newcomer = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, unverified));

		// when
		var enrolTwice = enrolled.me().post("/v1/me/two-factor", Api.json(Map.of("password", PASSWORD)));
		var confirmWithoutEnrolment = me.post("/v1/me/two-factor/confirm", Api.json(Map.of("code", "123456")));
		var regenerateWhileOff = me.post("/v1/me/two-factor/recovery-codes", Api.json(Map.of("code", "123456")));
		var wrongPassword = me.post("/v1/me/two-factor", Api.json(Map.of("password", "not the password 1")));
		var notVerified = newcomer.post("/v1/me/two-factor", Api.json(Map.of("password", PASSWORD)));
		var started = me.post("/v1/me/two-factor", Api.json(Map.of("password", PASSWORD)));
		var wrongCode = me.post("/v1/me/two-factor/confirm", Api.json(Map.of("code", "123456")));
		var restarted = me.post("/v1/me/two-factor", Api.json(Map.of("password", PASSWORD)));
		var oldSecretsCode = me.post("/v1/me/two-factor/confirm", Api.json(Map.of("code", AuthenticatorApp
			.code(AuthenticatorApp.fromBase32(started.body().get("secret").asString()), clock.instant()))));

		// then
		assertThat(enrolTwice.status()).isEqualTo(409);
		assertThat(enrolTwice.code()).isEqualTo("two_factor_enabled");
		assertThat(confirmWithoutEnrolment.status()).isEqualTo(409);
		assertThat(confirmWithoutEnrolment.code()).isEqualTo("two_factor_not_enrolling");
		assertThat(regenerateWhileOff.status()).isEqualTo(409);
		assertThat(regenerateWhileOff.code()).isEqualTo("two_factor_not_enabled");
		assertThat(wrongPassword.status()).isEqualTo(401);
		assertThat(wrongPassword.code()).isEqualTo("invalid_credentials");
		assertThat(notVerified.status()).isEqualTo(403);
		assertThat(notVerified.code()).isEqualTo("email_not_verified");
		assertThat(started.status()).isEqualTo(200);
		assertThat(wrongCode.status()).isEqualTo(401);
		assertThat(wrongCode.code()).isEqualTo("invalid_second_factor");
		assertThat(restarted.status()).isEqualTo(200);
		assertThat(restarted.body().get("secret").asString()).isNotEqualTo(started.body().get("secret").asString());
		assertThat(oldSecretsCode.code()).as("a new enrolment replaces the old secret")
			.isEqualTo("invalid_second_factor");
		assertThat(me.get("/v1/me/two-factor").body().get("enabled").asBoolean()).isFalse();
		assertThat(AccountCalls.login(anonymous, email, PASSWORD).status()).isEqualTo(200);
		assertThat(newcomer.get("/v1/me/two-factor").body().get("enabled").asBoolean()).isFalse();
	}

	@Test
	void badRequestsAreRefusedWithAStableCodeAndChangeNothing() {
		// given
		var enrolled = enrolled("tfa-bad");
		var me = enrolled.me();
		record Case(String method, String path, String body, String code) {
		}
		var cases = List.of(new Case("POST", "/v1/me/two-factor", "{\"password\":", "malformed_json"),
				new Case("POST", "/v1/me/two-factor", "{}", "invalid_request"),
				new Case("POST", "/v1/me/two-factor/confirm", "[1,", "malformed_json"),
				new Case("POST", "/v1/me/two-factor/confirm", "{\"code\":\"\"}", "invalid_request"),
				new Case("POST", "/v1/me/two-factor/confirm", "{\"code\":\"" + "1".repeat(65) + "\"}",
						"invalid_request"),
				new Case("POST", "/v1/me/two-factor/recovery-codes", "{\"code\":", "malformed_json"),
				new Case("POST", "/v1/me/two-factor/recovery-codes", "{\"code\":null}", "invalid_request"),
				new Case("DELETE", "/v1/me/two-factor", "{\"password\"", "malformed_json"),
				new Case("DELETE", "/v1/me/two-factor", "{\"code\":\"123456\"}", "invalid_request"));

		// when
		var answers = new HashMap<Case, Api.Response>();
		for (var c : cases) {
			answers.put(c, me.send(c.method(), c.path(), c.body(), Map.of()));
		}

		// then
		answers.forEach((c, response) -> {
			assertThat(response.status()).as(c + " → " + response).isEqualTo(400);
			assertThat(response.code()).as(c + " → " + response).isEqualTo(c.code());
		});
		var status = me.get("/v1/me/two-factor").body();
		assertThat(status.get("enabled").asBoolean()).isTrue();
		assertThat(status.get("recoveryCodesLeft").asInt()).isEqualTo(10);
	}

	@Test
	void onlyAnAccountsAccessTokenMayUseTheseEndpoints() {
		// given
		var customer = newCustomer("tfa-customer");
		var minted = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", customer)));
		assertThat(minted.status()).as(minted.toString()).isEqualTo(201);
		var customerToken = anonymous.withKey(minted.body().path("token").asString());
		var password = Api.json(Map.of("password", PASSWORD));
		var code = Api.json(Map.of("code", "123456"));
		var both = Api.json(Map.of("password", PASSWORD, "code", "123456"));
		record Call(String method, String path, String body) {
		}
		var calls = List.of(new Call("GET", "/v1/me/two-factor", null), new Call("POST", "/v1/me/two-factor", password),
				new Call("POST", "/v1/me/two-factor/confirm", code),
				new Call("POST", "/v1/me/two-factor/recovery-codes", code),
				new Call("DELETE", "/v1/me/two-factor", both));

		// when / then
		for (var call : calls) {
			var asCustomer = customerToken.send(call.method(), call.path(), call.body(), Map.of());
			var asServer = api.send(call.method(), call.path(), call.body(), Map.of());
			var asNobody = anonymous.send(call.method(), call.path(), call.body(), Map.of());
			assertThat(asCustomer.status()).as(call + " → " + asCustomer).isEqualTo(403);
			assertThat(asCustomer.code()).isEqualTo("forbidden");
			assertThat(asServer.status()).as(call + " → " + asServer).isEqualTo(403);
			assertThat(asServer.code()).isEqualTo("forbidden");
			assertThat(asNobody.status()).as(call + " → " + asNobody).isEqualTo(401);
			assertThat(asNobody.code()).isEqualTo("unauthenticated");
		}
	}

}

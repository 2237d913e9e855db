package dev.plangate.identity.account;

import static dev.plangate.identity.account.AccountCalls.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

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

import com.nimbusds.jwt.SignedJWT;
import dev.plangate.identity.token.AccessTokens;
import dev.plangate.identity.token.TokenRevocations;
import dev.plangate.platform.Timestamps;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;

/**
 * The account flows as time goes by, on a server whose clock the test moves: lockouts
 * that end and grow, links and refresh tokens that expire, a used refresh token presented
 * again after the grace window.
 */
@FreshSchema
@Import(AccountTimeTest.Clocks.class)
class AccountTimeTest extends ServerTest {

	private static final Instant START = Instant.parse("2027-03-01T09:00:00Z");

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
		FreshDatabase.register(registry, "account_time");
		// rate-limit state of a moved clock must not meet that of servers on the real one
		registry.add("plangate.redis-prefix", () -> "plangate:rl:account-time-" + UUID.randomUUID() + ":");
		registry.add("plangate.accounts.ip-limits.register", () -> "12/1h");
		registry.add("plangate.accounts.verified-email-required-for", () -> "api_keys");
		registry.add("plangate.accounts.mail-limit", () -> "3/1h");
		// the strictest verifier: a token must be valid the moment it is handed out
		registry.add("plangate.tokens.clock-skew", () -> "0s");
	}

	@Autowired
	private MovableClock clock;

	@Autowired
	private AccessTokens accessTokens;

	@Autowired
	private TokenRevocations revocations;

	@Autowired
	private LoginLockouts lockouts;

	@Autowired
	private JdbcClient jdbc;

	@BeforeEach
	void later() {
		// a fresh hour: every rate limit has its full burst again
		clock.advance(Duration.ofHours(2));
	}

	@Test
	void parallelWrongGuessesCheckNoMorePasswordsThanTheThreshold() throws Exception {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "guesses");

		// when
		var answers = Race.times(20, () -> AccountCalls.login(anonymous, email, "a wrong guess 123").code());

		// then
		assertThat(answers).filteredOn("invalid_credentials"::equals).hasSize(5);
		assertThat(answers).filteredOn("too_many_attempts"::equals).hasSize(15);
		var locked = AccountCalls.login(anonymous, email, PASSWORD);
		assertThat(locked.status()).isEqualTo(429);
		assertThat(locked.header("Retry-After")).isNotNull();
	}

	@Test
	void guessesAtALoginWithoutAnAccountAreRefusedAlike() throws Exception {
		// given
		var nobody = TestMail.uniqueAddress("nobody");

		// when
		var answers = Race.times(20, () -> AccountCalls.login(anonymous, nobody, "a wrong guess 123").code());

		// then: as for an account
		// (parallelWrongGuessesCheckNoMorePasswordsThanTheThreshold)
		assertThat(answers).filteredOn("invalid_credentials"::equals).hasSize(5);
		assertThat(answers).filteredOn("too_many_attempts"::equals).hasSize(15);
	}

	@Test
	void aLockoutEndsAndGrowsWithEachFurtherFailure() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "lockout");
		for (int i = 0; i < 5; i++) {
			AccountCalls.login(anonymous, email, "a wrong guess 123");
		}
		var first = AccountCalls.login(anonymous, email, PASSWORD);

		// when
		clock.advance(Duration.ofSeconds(61));
		var wrongAgain = AccountCalls.login(anonymous, email, "a wrong guess 123");
		clock.advance(Duration.ofSeconds(61));
		var stillLocked = AccountCalls.login(anonymous, email, PASSWORD);
		clock.advance(Duration.ofSeconds(60));
		var signedIn = AccountCalls.login(anonymous, email, PASSWORD);

		// then
		assertThat(first.code()).isEqualTo("too_many_attempts");
		assertThat(first.header("Retry-After")).isEqualTo("60");
		assertThat(wrongAgain.code()).isEqualTo("invalid_credentials");
		assertThat(stillLocked.code()).isEqualTo("too_many_attempts");
		assertThat(signedIn.status()).as(signedIn.toString()).isEqualTo(200);
		assertThat(AccountCalls.login(anonymous, email, "a wrong guess 123").code()).isEqualTo("invalid_credentials");
	}

	@Test
	void aLoginWithoutAnAccountIsLockedOnTheSameScheduleAsAnAccount() {
		// given
		var known = AccountCalls.verifiedAccount(anonymous, "schedule");
		var unknown = TestMail.uniqueAddress("no-account");

		// when
		var ofKnown = lockoutSchedule(known);
		var ofUnknown = lockoutSchedule(unknown);

		// then: 5 failures, then locks doubling from 1 minute up to 15, a lock's
		// remaining time, and after a day without failures 5 failures again
		var expected = new ArrayList<String>();
		expected.addAll(Collections.nCopies(5, "invalid_credentials"));
		expected.add("too_many_attempts 60");
		for (var lock : List.of(120, 240, 480, 900, 900)) {
			expected.addAll(List.of("invalid_credentials", "too_many_attempts " + lock));
		}
		expected.add("too_many_attempts 450");
		expected.addAll(Collections.nCopies(5, "invalid_credentials"));
		expected.add("too_many_attempts 60");
		assertThat(ofKnown).containsExactlyElementsOf(expected);
		assertThat(ofUnknown).containsExactlyElementsOf(ofKnown);
	}

	/**
	 * Guesses wrong at {@code login} as fast as the lockout lets, moving the clock: what
	 * each guess got, with its {@code Retry-After}.
	 */
	private List<String> lockoutSchedule(String login) {
		var answers = new ArrayList<String>();
		Runnable guess = () -> {
			var answer = AccountCalls.login(anonymous, login, "a wrong guess 123");
			answers.add(answer.header("Retry-After") == null ? answer.code()
					: answer.code() + " " + answer.header("Retry-After"));
		};
		for (int i = 0; i < 6; i++) {
			guess.run();
		}
		for (int round = 0; round < 5; round++) {
			var last = answers.get(answers.size() - 1);
			clock.advance(Duration.ofSeconds(Long.parseLong(last.substring(last.indexOf(' ') + 1))));
			guess.run();
			guess.run();
		}
		clock.advance(Duration.ofSeconds(450));
		guess.run();
		clock.advance(Duration.ofDays(1));
		lockouts.purgeForgotten();
		assertThat(jdbc.sql("select count(*) from login_lockout where last_failure_at <= :idle")
			.param("idle", Timestamps.sql(clock.instant().minus(Duration.ofDays(1))))
			.query(Long.class)
			.single()).as("forgotten failures are purged").isZero();
		for (int i = 0; i < 6; i++) {
			guess.run();
		}
		return answers;
	}

	@Test
	void aPasswordResetUnlocksALockedAccount() {
		// given
		var email = AccountCalls.verifiedAccount(anonymous, "unlock");
		for (int i = 0; i < 6; i++) {
			AccountCalls.login(anonymous, email, "a wrong guess 123");
		}

		// when
		anonymous.post("/v1/auth/password/forgot", Api.json(Map.of("email", email)));
		var reset = anonymous.post("/v1/auth/password/reset",
				Api.json(Map.of("token", AccountCalls.tokenOfMail(email, 2), "password", "a brand new passphrase")));

		// then
		assertThat(reset.status()).as(reset.toString()).isEqualTo(200);
		assertThat(AccountCalls.login(anonymous, email, "a brand new passphrase").status()).isEqualTo(200);
	}

	@Test
	void aTokenIssuedRightAfterARevocationIsValidAtOnceWithNoClockSkew() throws Exception {
		// given: a password reset revokes every token of the account, 400 ms into a
		// second
		var email = AccountCalls.verifiedAccount(anonymous, "revoked-then-new");
		clock.advance(Duration.ofMillis(400));
		var old = AccountCalls.signIn(anonymous, email);
		anonymous.post("/v1/auth/password/forgot", Api.json(Map.of("email", email)));
		var reset = anonymous.post("/v1/auth/password/reset",
				Api.json(Map.of("token", AccountCalls.tokenOfMail(email, 2), "password", "a brand new passphrase")));
		assertThat(reset.status()).as(reset.toString()).isEqualTo(200);

		// when: signed in again in the same instant
		var fresh = AccountCalls.login(anonymous, email, "a brand new passphrase");

		// then
		assertThat(fresh.status()).as(fresh.toString()).isEqualTo(200);
		var claims = SignedJWT.parse(fresh.body().get("accessToken").asString()).getJWTClaimsSet();
		assertThat(claims.getIssueTime().toInstant()).isBeforeOrEqualTo(clock.instant());
		assertThat(claims.getNotBeforeTime().toInstant()).isBeforeOrEqualTo(clock.instant());
		assertThat(AccountCalls.as(anonymous, fresh.body()).get("/v1/me/account").status()).isEqualTo(200);
		assertThat(AccountCalls.as(anonymous, old).get("/v1/me/account").status()).isEqualTo(401);
	}

	@Test
	void aRevocationInTheMillisecondOfAnotherCoversTheTokensIssuedBetweenThem() {
		// given: a token issued right after a revocation, in its millisecond
		var subject = UUID.randomUUID().toString();
		var before = accessTokens.issueAccountToken(subject, null, List.of("user"), null, UUID.randomUUID());
		revocations.revokeSubject(subject, clock.instant());
		var between = accessTokens.issueAccountToken(subject, null, List.of("user"), null, UUID.randomUUID());
		assertThat(accessTokens.authenticate(between.token())).isPresent();

		// when: another revocation in that millisecond
		revocations.revokeSubject(subject, clock.instant());
		var after = accessTokens.issueAccountToken(subject, null, List.of("user"), null, UUID.randomUUID());

		// then
		assertThat(accessTokens.authenticate(before.token())).isEmpty();
		assertThat(accessTokens.authenticate(between.token())).isEmpty();
		assertThat(accessTokens.authenticate(after.token())).isPresent();
	}

	@Test
	void aUsedRefreshTokenPresentedAfterTheGraceRevokesItsSession() {
		// given
		var signIn = AccountCalls.signIn(anonymous, AccountCalls.verifiedAccount(anonymous, "reuse"));
		var stolen = signIn.get("refreshToken").asString();
		var legit = anonymous.post("/v1/auth/refresh", Api.json(Map.of("refreshToken", stolen))).body();
		var tab = anonymous.post("/v1/auth/refresh", Api.json(Map.of("refreshToken", stolen)));

		// when
		clock.advance(Duration.ofSeconds(11));
		var replay = anonymous.post("/v1/auth/refresh", Api.json(Map.of("refreshToken", stolen)));

		// then
		assertThat(tab.status()).as("within the grace window: " + tab).isEqualTo(200);
		assertThat(replay.status()).isEqualTo(401);
		assertThat(replay.code()).isEqualTo("invalid_refresh_token");
		var next = anonymous.post("/v1/auth/refresh",
				Api.json(Map.of("refreshToken", legit.get("refreshToken").asString())));
		assertThat(next.code()).as("the whole family is revoked").isEqualTo("invalid_refresh_token");
		assertThat(AccountCalls.as(anonymous, legit).get("/v1/me/account").status()).isEqualTo(401);
	}

	@Test
	void linksAndRefreshTokensExpire() {
		// given
		var email = TestMail.uniqueAddress("expiry");
		AccountCalls.register(anonymous, email, PASSWORD);
		var verification = AccountCalls.tokenOfMail(email, 1);
		var signIn = AccountCalls.signIn(anonymous, email);
		anonymous.post("/v1/auth/password/forgot", Api.json(Map.of("email", email)));
		var reset = AccountCalls.tokenOfMail(email, 2);

		// when
		clock.advance(Duration.ofMinutes(31));
		var lateReset = anonymous.post("/v1/auth/password/reset",
				Api.json(Map.of("token", reset, "password", "a brand new passphrase")));
		clock.advance(Duration.ofDays(1));
		var lateVerification = anonymous.post("/v1/auth/verify-email", Api.json(Map.of("token", verification)));
		clock.advance(Duration.ofDays(7));
		var lateRefresh = anonymous.post("/v1/auth/refresh",
				Api.json(Map.of("refreshToken", signIn.get("refreshToken").asString())));

		// then
		assertThat(lateReset.code()).isEqualTo("invalid_account_token");
		assertThat(lateVerification.code()).isEqualTo("invalid_account_token");
		assertThat(lateRefresh.code()).isEqualTo("invalid_refresh_token");
		assertThat(AccountCalls.as(anonymous, signIn).get("/v1/me/account").status()).isEqualTo(401);
	}

	@Test
	void onlyTheConfiguredActionsWaitForAConfirmedAddress() {
		// given
		var email = TestMail.uniqueAddress("unconfirmed");
		AccountCalls.register(anonymous, email, PASSWORD);
		var me = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));

		// when
		var key = me.post("/v1/me/api-keys", Api.json(Map.of("name", "script", "scopes", List.of("read"))));
		var organization = me.post("/v1/me/organizations", Api.json(Map.of("name", "Unconfirmed Inc")));

		// then
		assertThat(key.status()).isEqualTo(403);
		assertThat(key.code()).isEqualTo("email_not_verified");
		assertThat(organization.status()).as(organization.toString()).isEqualTo(201);
	}

	@Test
	void mailsAnAccountAsksForAreLimited() {
		// given
		var email = TestMail.uniqueAddress("flood-mails");
		AccountCalls.register(anonymous, email, PASSWORD);
		var me = AccountCalls.as(anonymous, AccountCalls.signIn(anonymous, email));

		// when
		var answers = new ArrayList<Integer>();
		for (int i = 0; i < 4; i++) {
			answers.add(me.post("/v1/me/email/verification", null).status());
		}
		var change = me.post("/v1/me/email",
				Api.json(Map.of("currentPassword", PASSWORD, "email", TestMail.uniqueAddress("victim"))));

		// then
		assertThat(answers).containsExactly(202, 202, 202, 429);
		assertThat(change.code()).isEqualTo("too_many_attempts");
		assertThat(AccountCalls.mail(email, 4).subject()).isEqualTo("Confirm your email address");
		assertThat(TestMail.messagesTo(email)).hasSize(4);
	}

	@Test
	void signUpsFromOneAddressAreLimited() {
		// given
		var answers = new ArrayList<Api.Response>();

		// when
		for (int i = 0; i < 13; i++) {
			answers.add(AccountCalls.register(anonymous, TestMail.uniqueAddress("flood"), PASSWORD));
		}

		// then
		assertThat(answers.subList(0, 12)).allSatisfy(a -> assertThat(a.status()).isEqualTo(202));
		assertThat(answers.get(12).status()).isEqualTo(429);
		assertThat(answers.get(12).code()).isEqualTo("too_many_attempts");
		assertThat(answers.get(12).header("Retry-After")).isNotNull();
	}

}

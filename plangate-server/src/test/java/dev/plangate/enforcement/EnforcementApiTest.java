package dev.plangate.enforcement;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.Race;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;

/**
 * POST /v1/check and POST /v1/consume over HTTP on the default catalog: what check
 * answers without changing anything, what consume admits and records, how a repeated
 * idempotency key is answered, and every refusal, after which nothing is recorded.
 */
// A database of its own: upgradePlan names the cheapest plan allowing a request, and
// other suites create plans.
@FreshSchema
class EnforcementApiTest extends ServerTest {

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "enforcement_api");
	}

	private static final String CHECK = "/v1/check";

	private static final String CONSUME = "/v1/consume";

	private static String customerPath(String customerId) {
		return "/v1/customers/" + Api.encode(customerId);
	}

	private static String checkBody(String customerId, String feature, long amount) {
		return Api.json(Map.of("customerId", customerId, "feature", feature, "amount", amount));
	}

	private static String consumeBody(String customerId, String feature, long amount, String idempotencyKey) {
		var body = new LinkedHashMap<String, Object>();
		body.put("customerId", customerId);
		body.put("feature", feature);
		body.put("amount", amount);
		body.put("idempotencyKey", idempotencyKey);
		return Api.json(body);
	}

	private static String keylessConsumeBody(String customerId, long amount) {
		return Api.json(Map.of("customerId", customerId, "feature", "api_calls", "amount", amount));
	}

	private Api.Response check(String customerId, String feature) {
		return check(customerId, feature, 1);
	}

	private Api.Response check(String customerId, String feature, long amount) {
		return api.post(CHECK, checkBody(customerId, feature, amount));
	}

	private Api.Response consume(String customerId, String feature, long amount, String idempotencyKey) {
		return api.post(CONSUME, consumeBody(customerId, feature, amount, idempotencyKey));
	}

	/** A check that must answer 200, whether allowed or not. */
	private JsonNode checked(String customerId, String feature, long amount) {
		var response = check(customerId, feature, amount);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	/** A consume that must be admitted. */
	private JsonNode consumed(String customerId, String feature, long amount, String idempotencyKey) {
		var response = consume(customerId, feature, amount, idempotencyKey);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("allowed").asBoolean()).as(response.toString()).isTrue();
		return response.body();
	}

	private void override(String customerId, String feature, String value) {
		var response = api.put(customerPath(customerId) + "/overrides/" + feature, "{\"value\": " + value + "}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private void changePlan(String customerId, String plan) {
		var response = api.post(customerPath(customerId) + "/subscription", "{\"plan\":\"" + plan + "\"}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
	}

	private JsonNode usage(String customerId) {
		var response = api.get(customerPath(customerId) + "/usage");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		return response.body();
	}

	private long used(String customerId, String feature) {
		for (var quota : usage(customerId).path("quotas")) {
			if (quota.path("feature").asString().equals(feature)) {
				return quota.path("used").asLong();
			}
		}
		throw new AssertionError("no quota '" + feature + "' in the usage of " + customerId);
	}

	/** The first instant of the month after the current one, in UTC. */
	private static Instant nextMonth() {
		return YearMonth.now(ZoneOffset.UTC).plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
	}

	private static Instant instant(JsonNode node) {
		return Instant.parse(node.asString());
	}

	private static List<String> fields(Api.Response response) {
		return response.body().path("errors").findValuesAsString("field");
	}

	/** A refused consume: the problem, with the verdict's members. */
	private static JsonNode assertProblem(Api.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
		assertThat(response.code()).as(response.toString()).isEqualTo(code);
		return response.body();
	}

	private static void assertInvalidRequest(Api.Response response, String field) {
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
		assertThat(response.code()).as(response.toString()).isEqualTo("invalid_request");
		assertThat(fields(response)).as(response.toString()).contains(field);
	}

	/**
	 * Nothing of a refused consume reached the ledger: no usage, and its idempotency key
	 * is still new.
	 */
	private void assertNothingRecorded(String customerId, String idempotencyKey) {
		assertThat(used(customerId, "api_calls")).isZero();
		var again = consumed(customerId, "api_calls", 1, idempotencyKey);
		assertThat(again.path("duplicate").asBoolean()).as("the key was not taken").isFalse();
		assertThat(again.path("used").asLong()).isEqualTo(1);
	}

	@Nested
	class Check {

		@Test
		void checkAnswersAllowedWithTheQuotaAndChangesNothing() {
			// given
			var customer = newCustomer("chk-allowed");
			consumed(customer, "api_calls", 2, "chk-allowed-1");
			var before = usage(customer);

			// when
			var resetsBefore = nextMonth();
			var answers = List.of(checked(customer, "api_calls", 1), checked(customer, "api_calls", 1),
					checked(customer, "api_calls", 500), checked(customer, "api_calls", 998));
			var resetsAfter = nextMonth();

			// then
			for (var verdict : answers) {
				assertThat(verdict.path("allowed").asBoolean()).as(verdict.toString()).isTrue();
				assertThat(verdict.has("code")).as(verdict.toString()).isFalse();
				assertThat(verdict.path("customerId").asString()).isEqualTo(customer);
				assertThat(verdict.path("feature").asString()).isEqualTo("api_calls");
				assertThat(verdict.path("kind").asString()).isEqualTo("quota");
				assertThat(verdict.path("limit").asLong()).isEqualTo(1000);
				assertThat(verdict.path("used").asLong()).isEqualTo(2);
				assertThat(verdict.path("remaining").asLong()).isEqualTo(998);
				assertThat(instant(verdict.path("resetsAt"))).isIn(resetsBefore, resetsAfter);
				assertThat(verdict.path("unlimited").asBoolean()).isFalse();
				assertThat(verdict.path("duplicate").asBoolean()).isFalse();
			}
			assertThat(answers.get(2).path("amount").asLong()).isEqualTo(500);
			var after = usage(customer);
			assertThat(after.path("quotas")).isEqualTo(before.path("quotas"));
			assertThat(used(customer, "api_calls")).isEqualTo(2);
		}

		@Test
		void checkAmountDefaultsToOne() {
			// given
			var customer = newCustomer("chk-default");

			// when
			var response = api.post(CHECK, "{\"customerId\":\"" + customer + "\",\"feature\":\"api_calls\"}");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("allowed").asBoolean()).isTrue();
			assertThat(response.body().path("amount").asLong()).isEqualTo(1);
			assertThat(used(customer, "api_calls")).isZero();
		}

		@Test
		void checkBeyondTheLimitAnswers200RefusedWithTheQuotaAndChangesNothing() {
			// given: 5 of 5 used
			var customer = newCustomer("chk-refused");
			override(customer, "api_calls", "5");
			consumed(customer, "api_calls", 5, "chk-refused-1");

			// when
			var resetsBefore = nextMonth();
			var first = checked(customer, "api_calls", 1);
			var second = checked(customer, "api_calls", 1);
			var resetsAfter = nextMonth();

			// then
			for (var verdict : List.of(first, second)) {
				assertThat(verdict.path("allowed").asBoolean()).as(verdict.toString()).isFalse();
				assertThat(verdict.path("code").asString()).isEqualTo("quota_exceeded");
				assertThat(verdict.path("limit").asLong()).isEqualTo(5);
				assertThat(verdict.path("used").asLong()).isEqualTo(5);
				assertThat(verdict.path("remaining").asLong()).isZero();
				assertThat(instant(verdict.path("resetsAt"))).isIn(resetsBefore, resetsAfter);
				assertThat(verdict.path("upgradePlan").asString())
					.as("the cheapest plan other than the customer's own that would allow it")
					.isEqualTo("pro");
			}
			assertThat(used(customer, "api_calls")).isEqualTo(5);
		}

		@Test
		void checkOfAnAmountOverTheRemainderIsRefusedAndOfTheRemainderAllowed() {
			// given: 3 of 5 used
			var customer = newCustomer("chk-amount");
			override(customer, "api_calls", "5");
			consumed(customer, "api_calls", 3, "chk-amount-1");

			// when
			var over = checked(customer, "api_calls", 3);
			var exactly = checked(customer, "api_calls", 2);

			// then
			assertThat(over.path("allowed").asBoolean()).isFalse();
			assertThat(over.path("code").asString()).isEqualTo("quota_exceeded");
			assertThat(over.path("used").asLong()).isEqualTo(3);
			assertThat(over.path("remaining").asLong()).isEqualTo(2);
			assertThat(exactly.path("allowed").asBoolean()).isTrue();
			assertThat(exactly.path("remaining").asLong()).isEqualTo(2);
			assertThat(used(customer, "api_calls")).isEqualTo(3);
		}

		@Test
		void checkNamesTheCheapestPlanWhoseOwnEntitlementWouldAllowTheAmount() {
			// given
			var customer = newCustomer("chk-upgrade");

			// when
			var beyondFree = checked(customer, "api_calls", 1001);
			var beyondPro = checked(customer, "api_calls", 100_001);

			// then
			assertThat(beyondFree.path("allowed").asBoolean()).isFalse();
			assertThat(beyondFree.path("upgradePlan").asString()).isEqualTo("pro");
			assertThat(beyondPro.path("allowed").asBoolean()).isFalse();
			assertThat(beyondPro.path("upgradePlan").asString()).isEqualTo("enterprise");
		}

		@Test
		void lifetimeQuotaHasNoResetTime() {
			// given
			var customer = newCustomer("chk-seats");

			// when
			var verdict = checked(customer, "seats", 1);

			// then
			assertThat(verdict.path("allowed").asBoolean()).isTrue();
			assertThat(verdict.path("limit").asLong()).isEqualTo(1);
			assertThat(verdict.path("remaining").asLong()).isEqualTo(1);
			assertThat(verdict.has("resetsAt")).as(verdict.toString()).isFalse();
		}

	}

	@Nested
	class Consume {

		@Test
		void consumesUpToTheLimitThenRefusesWithQuotaExceeded() {
			// given
			var customer = newCustomer("con-limit");
			override(customer, "api_calls", "5");

			// when: five admitted
			var resetsBefore = nextMonth();
			for (int i = 1; i <= 5; i++) {
				var verdict = consumed(customer, "api_calls", 1, "con-limit-" + i);

				// then
				assertThat(verdict.path("used").asLong()).isEqualTo(i);
				assertThat(verdict.path("remaining").asLong()).isEqualTo(5 - i);
				assertThat(verdict.path("limit").asLong()).isEqualTo(5);
				assertThat(verdict.path("amount").asLong()).isEqualTo(1);
				assertThat(verdict.path("duplicate").asBoolean()).isFalse();
				assertThat(verdict.has("code")).isFalse();
			}

			// when: the sixth
			var sixth = consume(customer, "api_calls", 1, "con-limit-6");
			var resetsAfter = nextMonth();

			// then
			var problem = assertProblem(sixth, 402, "quota_exceeded");
			assertThat(problem.path("status").asInt()).isEqualTo(402);
			assertThat(problem.path("allowed").asBoolean()).isFalse();
			assertThat(problem.path("customerId").asString()).isEqualTo(customer);
			assertThat(problem.path("feature").asString()).isEqualTo("api_calls");
			assertThat(problem.path("amount").asLong()).isEqualTo(1);
			assertThat(problem.path("limit").asLong()).isEqualTo(5);
			assertThat(problem.path("used").asLong()).isEqualTo(5);
			assertThat(problem.path("remaining").asLong()).isZero();
			assertThat(instant(problem.path("resetsAt"))).isIn(resetsBefore, resetsAfter);
			assertThat(problem.path("upgradePlan").asString())
				.as("the cheapest plan other than the customer's own that would allow a sixth")
				.isEqualTo("pro");
			assertThat(problem.path("duplicate").asBoolean()).isFalse();
			assertThat(used(customer, "api_calls")).isEqualTo(5);
		}

		@Test
		void eleventhFreeJobInAMonthIsRefused() {
			// given: a product whose free tier has 10 jobs a month
			var customer = newCustomer("con-jobs");
			override(customer, "api_calls", "10");
			for (int i = 1; i <= 10; i++) {
				consumed(customer, "api_calls", 1, "job-" + i);
			}

			// when
			var eleventh = consume(customer, "api_calls", 1, "job-11");

			// then
			var problem = assertProblem(eleventh, 402, "quota_exceeded");
			assertThat(problem.path("used").asLong()).isEqualTo(10);
			assertThat(used(customer, "api_calls")).isEqualTo(10);
		}

		@Test
		void amountThatWouldCrossTheLimitIsRefusedWhole() {
			// given: 3 of 5 used
			var customer = newCustomer("con-whole");
			override(customer, "api_calls", "5");
			consumed(customer, "api_calls", 3, "con-whole-1");

			// when
			var response = consume(customer, "api_calls", 3, "con-whole-2");

			// then: nothing of it is admitted
			var problem = assertProblem(response, 402, "quota_exceeded");
			assertThat(problem.path("amount").asLong()).isEqualTo(3);
			assertThat(problem.path("limit").asLong()).isEqualTo(5);
			assertThat(problem.path("used").asLong()).isEqualTo(3);
			assertThat(problem.path("remaining").asLong()).isEqualTo(2);
			assertThat(used(customer, "api_calls")).isEqualTo(3);
		}

		@Test
		void amountExactlyReachingTheLimitIsAdmitted() {
			// given: 3 of 5 used
			var customer = newCustomer("con-exact");
			override(customer, "api_calls", "5");
			consumed(customer, "api_calls", 3, "con-exact-1");

			// when
			var verdict = consumed(customer, "api_calls", 2, "con-exact-2");

			// then
			assertThat(verdict.path("amount").asLong()).isEqualTo(2);
			assertThat(verdict.path("used").asLong()).isEqualTo(5);
			assertThat(verdict.path("remaining").asLong()).isZero();
			assertThat(used(customer, "api_calls")).isEqualTo(5);
		}

		@Test
		void refusalNamesThePlanThatWouldAllowTheWholeAmount() {
			// given: 5 of 5 used
			var customer = newCustomer("con-upgrade");
			override(customer, "api_calls", "5");
			consumed(customer, "api_calls", 5, "con-upgrade-1");

			// when: 5 + 996 needs more than free's 1,000
			var response = consume(customer, "api_calls", 996, "con-upgrade-2");

			// then
			var problem = assertProblem(response, 402, "quota_exceeded");
			assertThat(problem.path("upgradePlan").asString()).isEqualTo("pro");
			assertThat(used(customer, "api_calls")).isEqualTo(5);
		}

	}

	@Nested
	class Idempotency {

		@Test
		void repeatedKeyAfterAnAdmittedConsumeIsADuplicateAndConsumesNothing() {
			// given
			var customer = newCustomer("idem-admitted");
			override(customer, "api_calls", "5");
			var first = consumed(customer, "api_calls", 1, "idem-a");

			// when
			var repeat = consumed(customer, "api_calls", 1, "idem-a");

			// then
			assertThat(first.path("duplicate").asBoolean()).isFalse();
			assertThat(repeat.path("duplicate").asBoolean()).isTrue();
			assertThat(repeat.path("used").asLong()).isEqualTo(1);
			assertThat(repeat.path("remaining").asLong()).isEqualTo(4);
			assertThat(used(customer, "api_calls")).isEqualTo(1);
		}

		@Test
		void headerKeyMakesARepeatADuplicateWhicheverServerKeySendsIt() {
			// given: a consume keyed by the Idempotency-Key header alone
			var customer = newCustomer("idem-header");
			override(customer, "api_calls", "5");
			var first = api.send("POST", CONSUME, keylessConsumeBody(customer, 1), Map.of("Idempotency-Key", "hdr-1"));

			// when: repeated through another server key, whose answers are kept apart, so
			// that only the ledger can know the key
			var repeat = api.withKey(apiKeys.create("another backend").secret())
				.send("POST", CONSUME, keylessConsumeBody(customer, 1), Map.of("Idempotency-Key", "hdr-1"));

			// then
			assertThat(first.status()).as(first.toString()).isEqualTo(200);
			assertThat(first.body().path("duplicate").asBoolean()).isFalse();
			assertThat(repeat.status()).as(repeat.toString()).isEqualTo(200);
			assertThat(repeat.body().path("duplicate").asBoolean()).isTrue();
			assertThat(used(customer, "api_calls")).isEqualTo(1);
		}

		@Test
		void oneLedgerKeyRacingForTwoCustomersCountsOnceForEach() throws Exception {
			for (int round = 0; round < 10; round++) {
				// given
				var first = newCustomer("idem-cross-a");
				var second = newCustomer("idem-cross-b");
				var key = "shared-" + UUID.randomUUID();

				// when: both customers consume under the same key at once, twice each
				List<Callable<Api.Response>> consumes = List.of(() -> consume(first, "api_calls", 1, key),
						() -> consume(second, "api_calls", 1, key), () -> consume(first, "api_calls", 1, key),
						() -> consume(second, "api_calls", 1, key));
				var responses = Race.run(consumes);

				// then: the key is each customer's own
				assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.toString()).isEqualTo(200));
				assertThat(used(first, "api_calls")).isEqualTo(1);
				assertThat(used(second, "api_calls")).isEqualTo(1);
			}
		}

		@Test
		void consumeWithoutAnyKeyCountsEachTime() {
			// given
			var customer = newCustomer("idem-none");

			// when
			var first = api.post(CONSUME, keylessConsumeBody(customer, 2));
			var second = api.post(CONSUME, keylessConsumeBody(customer, 2));

			// then
			assertThat(first.status()).as(first.toString()).isEqualTo(200);
			assertThat(second.status()).as(second.toString()).isEqualTo(200);
			assertThat(second.body().path("duplicate").asBoolean()).isFalse();
			assertThat(used(customer, "api_calls")).isEqualTo(4);
		}

		@Test
		void repeatedKeyOfAnAdmittedConsumeIsStillAdmittedOnceTheQuotaIsUsedUp() {
			// given: the whole quota taken under one key
			var customer = newCustomer("idem-full");
			override(customer, "api_calls", "5");
			consumed(customer, "api_calls", 5, "idem-full-1");

			// when
			var response = consume(customer, "api_calls", 5, "idem-full-1");

			// then: the retry of an admitted consume is not refused for the usage it made
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("allowed").asBoolean()).isTrue();
			assertThat(response.body().path("duplicate").asBoolean()).isTrue();
			assertThat(used(customer, "api_calls")).isEqualTo(5);
		}

		@Test
		void repeatedKeyOfAnAdmittedConsumeGetsTheFirstAnswerAfterLaterConsumes() {
			// given: a first consume, then another under its own key
			var customer = newCustomer("idem-later");
			override(customer, "api_calls", "5");
			var first = consumed(customer, "api_calls", 1, "idem-first");
			consumed(customer, "api_calls", 1, "idem-second");

			// when
			var repeat = consumed(customer, "api_calls", 1, "idem-first");

			// then: the first answer, marked as a repeat
			assertThat(repeat.path("duplicate").asBoolean()).isTrue();
			assertThat(repeat.path("amount")).isEqualTo(first.path("amount"));
			assertThat(repeat.path("limit")).isEqualTo(first.path("limit"));
			assertThat(repeat.path("used")).as(repeat.toString()).isEqualTo(first.path("used"));
			assertThat(repeat.path("remaining")).as(repeat.toString()).isEqualTo(first.path("remaining"));
			assertThat(used(customer, "api_calls")).isEqualTo(2);
		}

		@Test
		void repeatedKeyAfterARefusedConsumeGetsTheSameRefusal() {
			// given: 5 of 5 used, a sixth refused
			var customer = newCustomer("idem-refused");
			override(customer, "api_calls", "5");
			consumed(customer, "api_calls", 5, "idem-r-1");
			var first = assertProblem(consume(customer, "api_calls", 1, "idem-r-2"), 402, "quota_exceeded");

			// when
			var repeat = assertProblem(consume(customer, "api_calls", 1, "idem-r-2"), 402, "quota_exceeded");

			// then
			assertThat(first.path("duplicate").asBoolean()).isFalse();
			assertThat(repeat.path("duplicate").asBoolean()).isTrue();
			assertThat(repeat.path("limit").asLong()).isEqualTo(5);
			assertThat(repeat.path("used").asLong()).isEqualTo(5);
			assertThat(repeat.path("remaining").asLong()).isZero();
			assertThat(used(customer, "api_calls")).isEqualTo(5);
		}

		@Test
		void refusalStandsForItsKeyAfterTheLimitIsRaised() {
			// given: a sixth refused under a limit of 5, then the limit raised to 10
			var customer = newCustomer("idem-raised");
			override(customer, "api_calls", "5");
			consumed(customer, "api_calls", 5, "idem-raised-1");
			var first = assertProblem(consume(customer, "api_calls", 1, "idem-raised-2"), 402, "quota_exceeded");
			override(customer, "api_calls", "10");

			// when
			var response = consume(customer, "api_calls", 1, "idem-raised-2");

			// then: the first answer wins, whole
			var repeat = assertProblem(response, 402, "quota_exceeded");
			assertThat(repeat.path("duplicate").asBoolean()).isTrue();
			assertThat(repeat.path("amount")).isEqualTo(first.path("amount"));
			assertThat(repeat.path("limit").asLong()).as(repeat.toString()).isEqualTo(5);
			assertThat(repeat.path("used").asLong()).as(repeat.toString()).isEqualTo(5);
			assertThat(repeat.path("remaining").asLong()).as(repeat.toString()).isZero();
			assertThat(repeat.path("upgradePlan")).isEqualTo(first.path("upgradePlan"));
			assertThat(used(customer, "api_calls")).isEqualTo(5);

			// and: a new key is decided against the raised limit
			var fresh = consumed(customer, "api_calls", 1, "idem-raised-3");
			assertThat(fresh.path("limit").asLong()).isEqualTo(10);
			assertThat(fresh.path("used").asLong()).isEqualTo(6);
		}

	}

	@Nested
	class Switches {

		@Test
		void switchInThePlanIsAllowed() {
			// given
			var customer = newCustomer("sw-on");

			// when
			var verdict = checked(customer, "api_access", 1);
			var consumed = consumed(customer, "api_access", 1, "sw-on-1");

			// then
			assertThat(verdict.path("allowed").asBoolean()).isTrue();
			assertThat(verdict.path("kind").asString()).isEqualTo("switch");
			assertThat(verdict.has("code")).isFalse();
			assertThat(consumed.path("kind").asString()).isEqualTo("switch");
			assertThat(used(customer, "api_calls")).isZero();
		}

		@Test
		void switchNotInThePlanIsRefusedOnCheckNamingPro() {
			// given: free has no advanced analytics
			var customer = newCustomer("sw-off");

			// when
			var verdict = checked(customer, "advanced_analytics", 1);

			// then
			assertThat(verdict.path("allowed").asBoolean()).isFalse();
			assertThat(verdict.path("code").asString()).isEqualTo("feature_not_in_plan");
			assertThat(verdict.path("upgradePlan").asString()).isEqualTo("pro");
		}

		@Test
		void switchNotInThePlanIsRefusedOnConsumeWith402() {
			// given
			var customer = newCustomer("sw-off-con");

			// when
			var response = consume(customer, "advanced_analytics", 1, "sw-off-1");

			// then
			var problem = assertProblem(response, 402, "feature_not_in_plan");
			assertThat(problem.path("allowed").asBoolean()).isFalse();
			assertThat(problem.path("feature").asString()).isEqualTo("advanced_analytics");
			assertThat(problem.path("upgradePlan").asString()).isEqualTo("pro");
		}

		@Test
		void singleSignOnNamesEnterprise() {
			// given
			var customer = newCustomer("sw-sso");

			// when
			var verdict = checked(customer, "sso", 1);

			// then
			assertThat(verdict.path("code").asString()).isEqualTo("feature_not_in_plan");
			assertThat(verdict.path("upgradePlan").asString()).isEqualTo("enterprise");
		}

		@Test
		void quotaWithALimitOfZeroIsNotInThePlan() {
			// given
			var customer = newCustomer("sw-zero");
			override(customer, "api_calls", "0");

			// when
			var verdict = checked(customer, "api_calls", 1);
			var response = consume(customer, "api_calls", 1, "sw-zero-1");

			// then
			assertThat(verdict.path("allowed").asBoolean()).isFalse();
			assertThat(verdict.path("code").asString()).as(verdict.toString()).isEqualTo("feature_not_in_plan");
			assertProblem(response, 402, "feature_not_in_plan");
			assertThat(used(customer, "api_calls")).isZero();
		}

	}

	@Nested
	class Unlimited {

		@Test
		void unlimitedQuotaIsAllowedWithoutLimitAndStillCounted() {
			// given
			var customer = newCustomer("unl");
			changePlan(customer, "enterprise");

			// when
			var verdict = checked(customer, "api_calls", 1_000_000);
			var first = consumed(customer, "api_calls", 700, "unl-1");
			var second = consumed(customer, "api_calls", 300, "unl-2");

			// then
			assertThat(verdict.path("allowed").asBoolean()).isTrue();
			assertThat(verdict.path("unlimited").asBoolean()).isTrue();
			assertThat(verdict.has("limit")).as(verdict.toString()).isFalse();
			assertThat(verdict.has("remaining")).as(verdict.toString()).isFalse();
			assertThat(first.path("unlimited").asBoolean()).isTrue();
			assertThat(first.has("limit")).as(first.toString()).isFalse();
			assertThat(first.has("remaining")).as(first.toString()).isFalse();
			assertThat(first.path("used").asLong()).isEqualTo(700);
			assertThat(second.path("used").asLong()).isEqualTo(1000);
			assertThat(used(customer, "api_calls")).isEqualTo(1000);
		}

	}

	@Nested
	class CustomerStatus {

		@Test
		void suspendedCustomerIsRefusedAndNothingIsRecorded() {
			// given
			var customer = newCustomer("st-suspended");
			assertThat(api.post(customerPath(customer) + "/suspend", null).status()).isEqualTo(200);

			// when
			var verdict = checked(customer, "api_calls", 1);
			var response = consume(customer, "api_calls", 1, "st-suspended-1");

			// then
			assertThat(verdict.path("allowed").asBoolean()).isFalse();
			assertThat(verdict.path("code").asString()).isEqualTo("customer_suspended");
			var problem = assertProblem(response, 403, "customer_suspended");
			assertThat(problem.path("allowed").asBoolean()).isFalse();
			assertThat(used(customer, "api_calls")).isZero();
		}

		@Test
		void reactivatedCustomerIsAllowedAgain() {
			// given
			var customer = newCustomer("st-reactivated");
			api.post(customerPath(customer) + "/suspend", null);
			assertProblem(consume(customer, "api_calls", 1, "st-re-1"), 403, "customer_suspended");

			// when
			assertThat(api.post(customerPath(customer) + "/activate", null).status()).isEqualTo(200);

			// then
			assertThat(checked(customer, "api_calls", 1).path("allowed").asBoolean()).isTrue();
			var verdict = consumed(customer, "api_calls", 1, "st-re-2");
			assertThat(verdict.path("used").asLong()).isEqualTo(1);
			assertThat(used(customer, "api_calls")).isEqualTo(1);
		}

		@Test
		void deletedCustomerHasNoActiveSubscription() {
			// given
			var customer = newCustomer("st-deleted");
			assertThat(api.delete(customerPath(customer)).status()).isEqualTo(200);

			// when
			var verdict = checked(customer, "api_calls", 1);
			var response = consume(customer, "api_calls", 1, "st-deleted-1");

			// then
			assertThat(verdict.path("allowed").asBoolean()).isFalse();
			assertThat(verdict.path("code").asString()).isEqualTo("subscription_inactive");
			var problem = assertProblem(response, 402, "subscription_inactive");
			assertThat(problem.path("allowed").asBoolean()).isFalse();
			assertThat(used(customer, "api_calls")).isZero();
		}

	}

	@Nested
	class BadInput {

		@Test
		void unknownCustomerIsNotFound() {
			// given
			var customer = uniqueId("bad-nobody");

			// when
			var checkResponse = check(customer, "api_calls");
			var consumeResponse = consume(customer, "api_calls", 1, "bad-nobody-1");

			// then
			assertProblem(checkResponse, 404, "customer_not_found");
			assertProblem(consumeResponse, 404, "customer_not_found");
			assertThat(api.put(customerPath(customer), "{\"name\":\"late\"}").status()).isEqualTo(201);
			assertNothingRecorded(customer, "bad-nobody-1");
		}

		@Test
		void unknownFeatureIsRefusedNamingFeature() {
			// given
			var customer = newCustomer("bad-feature");

			// when
			var checkResponse = check(customer, "teleportation");
			var consumeResponse = consume(customer, "teleportation", 1, "bad-feature-1");

			// then
			for (var response : List.of(checkResponse, consumeResponse)) {
				assertProblem(response, 422, "unknown_feature");
				assertThat(fields(response)).as(response.toString()).containsExactly("feature");
				assertThat(response.body().path("feature").asString()).isEqualTo("teleportation");
			}
			assertNothingRecorded(customer, "bad-feature-1");
		}

		@Test
		void concurrencyFeatureIsNotDecidedHere() {
			// given
			var customer = newCustomer("bad-conc");

			// when
			var checkResponse = check(customer, "concurrent_jobs");
			var consumeResponse = consume(customer, "concurrent_jobs", 1, "bad-conc-1");

			// then
			for (var response : List.of(checkResponse, consumeResponse)) {
				assertProblem(response, 422, "feature_kind_not_supported");
				assertThat(fields(response)).as(response.toString()).containsExactly("feature");
			}
			assertNothingRecorded(customer, "bad-conc-1");
		}

		@Test
		void zeroAmountIsRefusedNamingAmount() {
			// given
			var customer = newCustomer("bad-zero");

			// when
			var checkResponse = check(customer, "api_calls", 0);
			var consumeResponse = consume(customer, "api_calls", 0, "bad-zero-1");

			// then
			assertInvalidRequest(checkResponse, "amount");
			assertInvalidRequest(consumeResponse, "amount");
			assertNothingRecorded(customer, "bad-zero-1");
		}

		@Test
		void negativeAmountIsRefusedNamingAmount() {
			// given
			var customer = newCustomer("bad-negative");

			// when
			var checkResponse = check(customer, "api_calls", -3);
			var consumeResponse = consume(customer, "api_calls", -3, "bad-negative-1");

			// then
			assertInvalidRequest(checkResponse, "amount");
			assertInvalidRequest(consumeResponse, "amount");
			assertNothingRecorded(customer, "bad-negative-1");
		}

		@Test
		void textAmountIsRefusedNamingAmount() {
			// given
			var customer = newCustomer("bad-text");

			// when
			var checkResponse = api.post(CHECK,
					"{\"customerId\":\"" + customer + "\",\"feature\":\"api_calls\",\"amount\":\"one\"}");
			var consumeResponse = api.post(CONSUME, "{\"customerId\":\"" + customer
					+ "\",\"feature\":\"api_calls\",\"amount\":\"one\",\"idempotencyKey\":\"bad-text-1\"}");

			// then
			assertInvalidRequest(checkResponse, "amount");
			assertInvalidRequest(consumeResponse, "amount");
			assertNothingRecorded(customer, "bad-text-1");
		}

		@Test
		void bodyKeyDifferingFromTheHeaderIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-twokeys");

			// when
			var response = api.send("POST", CONSUME, consumeBody(customer, "api_calls", 1, "in-the-body"),
					Map.of("Idempotency-Key", "in-the-header"));

			// then
			assertInvalidRequest(response, "idempotencyKey");
			assertNothingRecorded(customer, "in-the-header");
		}

		@Test
		void headerKeyLongerThanAUsageEventIdIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-longkey");

			// when
			var response = api.send("POST", CONSUME, keylessConsumeBody(customer, 1),
					Map.of("Idempotency-Key", "k".repeat(201)));

			// then
			assertInvalidRequest(response, "Idempotency-Key");
			assertThat(used(customer, "api_calls")).isZero();
		}

		@Test
		void malformedJsonIsRefused() {
			// given
			var customer = newCustomer("bad-json");

			// when
			var checkResponse = api.post(CHECK, "{\"customerId\":\"" + customer + "\",\"feature\":");
			var consumeResponse = api.post(CONSUME,
					"{\"customerId\":\"" + customer + "\",\"feature\":\"api_calls\",\"idempotencyKey\":\"bad-json-1\"");

			// then
			assertProblem(checkResponse, 400, "malformed_json");
			assertProblem(consumeResponse, 400, "malformed_json");
			assertNothingRecorded(customer, "bad-json-1");
		}

		@Test
		void unknownFieldIsRefusedNamingIt() {
			// given
			var customer = newCustomer("bad-field");

			// when
			var checkResponse = api.post(CHECK,
					"{\"customerId\":\"" + customer + "\",\"feature\":\"api_calls\",\"dryRun\":true}");
			var consumeResponse = api.post(CONSUME, "{\"customerId\":\"" + customer
					+ "\",\"feature\":\"api_calls\",\"idempotencyKey\":\"bad-field-1\",\"dryRun\":true}");

			// then
			assertInvalidRequest(checkResponse, "dryRun");
			assertInvalidRequest(consumeResponse, "dryRun");
			assertNothingRecorded(customer, "bad-field-1");
		}

		@Test
		void requestsWithoutAKeyAreUnauthenticated() {
			// given
			var customer = newCustomer("bad-anon");

			// when
			var checkResponse = anonymous.post(CHECK, checkBody(customer, "api_calls", 1));
			var consumeResponse = anonymous.post(CONSUME, consumeBody(customer, "api_calls", 1, "bad-anon-1"));

			// then
			assertProblem(checkResponse, 401, "unauthenticated");
			assertProblem(consumeResponse, 401, "unauthenticated");
			assertNothingRecorded(customer, "bad-anon-1");
		}

	}

	@Nested
	class Rates {

		/**
		 * A customer allowed 5 api_rate requests a minute: one comes back every 12 s,
		 * longer than a test takes.
		 */
		private String customerWithFiveAMinute(String prefix) {
			var customer = newCustomer(prefix);
			assertThat(api.put("/v1/customers/" + customer + "/overrides/api_rate", "{\"value\":5}").status())
				.isEqualTo(200);
			return customer;
		}

		@Test
		void customerGetsItsBurstThenRateLimitedWithTheHeaders() {
			// given: the burst of 5 used
			var customer = customerWithFiveAMinute("rate-free");
			for (int i = 1; i <= 5; i++) {
				var allowed = consume(customer, "api_rate", 1, "rate-free-" + i);
				assertThat(allowed.status()).as("request %d: %s", i, allowed.text()).isEqualTo(200);
			}

			// when
			var sixth = consume(customer, "api_rate", 1, "rate-free-6");

			// then
			var problem = assertProblem(sixth, 429, "rate_limited");
			assertThat(problem.path("limit").asLong()).isEqualTo(5);
			assertThat(problem.path("remaining").asLong()).isZero();
			assertThat(problem.path("windowSeconds").asLong()).isEqualTo(60);
			assertThat(problem.path("retryAfter").asLong()).isBetween(1L, 12L);
			assertThat(sixth.header("Retry-After")).isEqualTo(problem.path("retryAfter").asString());
			assertThat(sixth.header("RateLimit-Policy")).isEqualTo("\"api_rate\";q=5;w=60");
			assertThat(sixth.header("RateLimit")).startsWith("\"api_rate\";r=0;t=");
			assertThat(problem.path("upgradePlan").asString()).as("free's own 60 a minute would allow it")
				.isEqualTo("pro");
		}

		@Test
		void allowedRequestsCarryTheRateLimitHeaders() {
			var customer = newCustomer("rate-headers");

			var response = consume(customer, "api_rate", 1, "rate-headers-1");

			assertThat(response.status()).isEqualTo(200);
			assertThat(response.body().path("remaining").asLong()).isEqualTo(59);
			assertThat(response.header("RateLimit-Policy")).isEqualTo("\"api_rate\";q=60;w=60");
			assertThat(response.header("RateLimit")).startsWith("\"api_rate\";r=59;t=");
		}

		@Test
		void thePlansMultiplierScalesTheRate() {
			// given: pro multiplies rate defaults by 5
			var customer = newCustomer("rate-pro");
			assertThat(api.post("/v1/customers/" + customer + "/subscription", "{\"plan\":\"pro\"}").status())
				.isEqualTo(200);

			// when
			var verdict = checked(customer, "api_rate", 1);

			// then
			assertThat(verdict.path("allowed").asBoolean()).isTrue();
			assertThat(verdict.path("limit").asLong()).isEqualTo(300);
			assertThat(verdict.path("remaining").asLong()).isEqualTo(299);
		}

		@Test
		void checkTakesNothingFromTheAllowance() {
			var customer = newCustomer("rate-check");

			for (int i = 0; i < 100; i++) {
				checked(customer, "api_rate", 1);
			}
			var consumed = consumed(customer, "api_rate", 1, "rate-check-1");

			assertThat(consumed.path("remaining").asLong()).isEqualTo(59);
		}

		@Test
		void clearingACustomersRateLimitsRestoresTheBurst() {
			// given: the burst used up
			var customer = customerWithFiveAMinute("rate-reset");
			for (int i = 0; i < 5; i++) {
				consume(customer, "api_rate", 1, "rate-reset-" + i);
			}
			assertThat(checked(customer, "api_rate", 1).path("allowed").asBoolean()).isFalse();

			// when
			var cleared = api.delete("/v1/customers/" + customer + "/rate-limits?features=api_rate");

			// then
			assertThat(cleared.status()).isEqualTo(200);
			assertThat(cleared.body().path("features").get(0).asString()).isEqualTo("api_rate");
			assertThat(checked(customer, "api_rate", 1).path("remaining").asLong()).isEqualTo(4);
			var audit = api.get("/v1/admin/audit-events?targetType=customer&targetId=" + customer).body();
			assertThat(audit.path("data").valueStream().map(e -> e.path("action").asString()))
				.contains("rate_limits.reset");
		}

		@Test
		void clearingANonRateFeatureIsRefused() {
			var customer = newCustomer("rate-reset-bad");

			var response = api.delete("/v1/customers/" + customer + "/rate-limits?features=api_calls");

			assertProblem(response, 400, "invalid_request");
		}

		@Test
		void clearingAnUnknownCustomersRateLimitsIsNotFound() {
			var response = api.delete("/v1/customers/nobody-" + UUID.randomUUID() + "/rate-limits");

			assertProblem(response, 404, "customer_not_found");
		}

	}

}

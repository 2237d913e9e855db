package dev.plangate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.support.Api;
import dev.plangate.support.Examples;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.MovableClock;
import dev.plangate.support.ServerTest;
import dev.plangate.support.TestMail;
import tools.jackson.databind.JsonNode;

/**
 * The acceptance sentences of the products of REQUIREMENTS.md section 1, each proven over
 * HTTP on a server started on that product's example catalog, with a database of its own:
 * the products need nothing but the catalog file and API calls.
 */
class AcceptanceTest {

	/** The example catalog {@code fileName}, where surefire says the examples are. */
	static String example(String fileName) {
		return Examples.file(fileName);
	}

	static String customerPath(String customerId) {
		return "/v1/customers/" + Api.encode(customerId);
	}

	static void changePlan(Api api, String customerId, String plan) {
		var response = api.post(customerPath(customerId) + "/subscription", "{\"plan\":\"" + plan + "\"}");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("status").asString()).as(response.toString()).isEqualTo("active");
	}

	static Api.Response acquire(Api api, String customerId, String feature) {
		return api.post("/v1/leases", Api.json(Map.of("customerId", customerId, "feature", feature)));
	}

	static Api.Response consume(Api api, String customerId, String feature, long amount, String idempotencyKey) {
		var body = new LinkedHashMap<String, Object>();
		body.put("customerId", customerId);
		body.put("feature", feature);
		body.put("amount", amount);
		body.put("idempotencyKey", idempotencyKey);
		return api.post("/v1/consume", Api.json(body));
	}

	static JsonNode consumed(Api api, String customerId, String feature, long amount, String idempotencyKey) {
		var response = consume(api, customerId, feature, amount, idempotencyKey);
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		assertThat(response.body().path("allowed").asBoolean()).as(response.toString()).isTrue();
		return response.body();
	}

	static JsonNode assertProblem(Api.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).as(response.toString()).startsWith("application/problem+json");
		assertThat(response.code()).as(response.toString()).isEqualTo(code);
		return response.body();
	}

	static JsonNode quota(Api api, String customerId, String feature) {
		var response = api.get(customerPath(customerId) + "/usage");
		assertThat(response.status()).as(response.toString()).isEqualTo(200);
		for (var quota : response.body().path("quotas")) {
			if (quota.path("feature").asString().equals(feature)) {
				return quota;
			}
		}
		throw new AssertionError("no quota '" + feature + "' in " + response);
	}

	static List<String> alerts(JsonNode quota) {
		return quota.path("alerts").valueStream().map(JsonNode::asString).toList();
	}

	/**
	 * Product B, workflow automation: concurrent jobs are leases of
	 * {@code concurrent_jobs}, 2 on free, 10 on pro, unlimited on enterprise.
	 */
	@Nested
	@FreshSchema
	class WorkflowAutomation extends ServerTest {

		@DynamicPropertySource
		static void catalog(DynamicPropertyRegistry registry) {
			FreshDatabase.register(registry, "acceptance_workflow");
			registry.add("plangate.catalog", () -> example("workflow-automation.yaml"));
		}

		private Api.Response startJob(String customerId) {
			return acquire(api, customerId, "concurrent_jobs");
		}

		@Test
		void thirdConcurrentJobOnFreeIsRateLimited() {
			// given: a free user
			var user = newCustomer("wf-free");

			// when: it starts 3 concurrent jobs
			var first = startJob(user);
			var second = startJob(user);
			var third = startJob(user);

			// then: the 1st and 2nd are accepted, the 3rd gets 429 Too Many Requests
			assertThat(first.status()).as(first.toString()).isEqualTo(201);
			assertThat(second.status()).as(second.toString()).isEqualTo(201);
			assertThat(second.body().path("held").asInt()).isEqualTo(2);
			assertThat(second.body().path("limit").asLong()).isEqualTo(2);
			var problem = assertProblem(third, 429, "concurrency_limit_reached");
			assertThat(problem.path("limit").asLong()).isEqualTo(2);
			assertThat(problem.path("held").asInt()).isEqualTo(2);
			assertThat(Long.parseLong(String.valueOf(third.header("Retry-After")))).isPositive();
		}

		@Test
		void finishedJobLetsTheNextOneStartOnFree() {
			// given: a free user running 2 jobs
			var user = newCustomer("wf-finish");
			var first = startJob(user).body();
			startJob(user);
			assertProblem(startJob(user), 429, "concurrency_limit_reached");

			// when: the first finishes
			var finished = api.delete("/v1/leases/" + first.path("id").asString());

			// then
			assertThat(finished.status()).isEqualTo(204);
			assertThat(startJob(user).status()).isEqualTo(201);
		}

		@Test
		void proRunsTenConcurrentJobsAndRefusesTheEleventh() {
			// given
			var user = newCustomer("wf-pro");
			changePlan(api, user, "pro");

			// when
			var statuses = new ArrayList<Integer>();
			for (int i = 0; i < 10; i++) {
				statuses.add(startJob(user).status());
			}
			var eleventh = startJob(user);

			// then
			assertThat(statuses).containsOnly(201);
			var problem = assertProblem(eleventh, 429, "concurrency_limit_reached");
			assertThat(problem.path("limit").asLong()).isEqualTo(10);
		}

		@Test
		void enterpriseConcurrentJobsAreUnlimited() {
			// given
			var user = newCustomer("wf-enterprise");
			changePlan(api, user, "enterprise");

			// when
			var jobs = new ArrayList<Api.Response>();
			for (int i = 0; i < 40; i++) {
				jobs.add(startJob(user));
			}

			// then
			assertThat(jobs).allSatisfy(job -> {
				assertThat(job.status()).as(job.toString()).isEqualTo(201);
				assertThat(job.body().has("limit")).as(job.toString()).isFalse();
			});
			assertThat(jobs.get(39).body().path("held").asInt()).isEqualTo(40);
		}

		@Test
		void upgradeFromFreeToProRaisesTheCapAtOnce() {
			// given: a free user at its cap
			var user = newCustomer("wf-upgrade");
			startJob(user);
			startJob(user);
			assertProblem(startJob(user), 429, "concurrency_limit_reached");

			// when
			changePlan(api, user, "pro");

			// then
			var third = startJob(user);
			assertThat(third.status()).as(third.toString()).isEqualTo(201);
			assertThat(third.body().path("held").asInt()).isEqualTo(3);
			assertThat(third.body().path("limit").asLong()).isEqualTo(10);
		}

		@Test
		void bespokeLimitOfAnEnterpriseCustomerApplies() {
			// given: an enterprise customer with a custom cap of 3
			var user = newCustomer("wf-bespoke");
			changePlan(api, user, "enterprise");
			var override = api.put(customerPath(user) + "/overrides/concurrent_jobs", "{\"value\": 3}");
			assertThat(override.status()).as(override.toString()).isEqualTo(200);

			// when
			startJob(user);
			startJob(user);
			startJob(user);
			var fourth = startJob(user);

			// then
			assertThat(assertProblem(fourth, 429, "concurrency_limit_reached").path("limit").asLong()).isEqualTo(3);
		}

	}

	/**
	 * Product C, the app with auth and a dashboard: jobs per calendar month, public plan
	 * list, per-scope rate limits scaled by the plan's multiplier.
	 */
	@Nested
	@FreshSchema
	@Import(AuthDashboard.Clocks.class)
	class AuthDashboard extends ServerTest {

		@TestConfiguration(proxyBeanMethods = false)
		static class Clocks {

			@Bean
			@Primary
			MovableClock movableClock() {
				return new MovableClock(Instant.parse("2027-03-15T12:00:00Z"));
			}

		}

		@DynamicPropertySource
		static void catalog(DynamicPropertyRegistry registry) {
			FreshDatabase.register(registry, "acceptance_auth_dashboard");
			registry.add("plangate.catalog", () -> example("auth-dashboard.yaml"));
			// rate-limit state of a moved clock must not meet that of servers on the real
			// one
			registry.add("plangate.redis-prefix", () -> "plangate:rl:acceptance-auth-" + UUID.randomUUID() + ":");
		}

		@Autowired
		private MovableClock clock;

		private Api.Response createJob(String userId, String jobId) {
			return consume(api, userId, "jobs", 1, jobId);
		}

		private JsonNode features(String userId) {
			var response = api.get(customerPath(userId) + "/entitlements");
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			return response.body().path("features");
		}

		@Test
		void eleventhSignInOfAFreeAccountInAnHourIsRateLimited() {
			// given: a free account (login 10/hour on free)
			clock.set(Instant.parse("2027-03-16T09:00:00Z"));
			var email = TestMail.uniqueAddress("ad-login");
			var password = "a long enough pass phrase";
			var registered = anonymous.post("/v1/auth/register",
					Api.json(Map.of("email", email, "password", password)));
			assertThat(registered.status()).as(registered.toString()).isEqualTo(202);
			var login = Api.json(Map.of("login", email, "password", password));
			for (int i = 1; i <= 10; i++) {
				var signedIn = anonymous.post("/v1/auth/login", login);
				assertThat(signedIn.status()).as("sign-in " + i + ": " + signedIn).isEqualTo(200);
			}

			// when
			var eleventh = anonymous.post("/v1/auth/login", login);

			// then
			assertProblem(eleventh, 429, "too_many_attempts");
			assertThat(eleventh.header("Retry-After")).isNotNull();
			clock.advance(Duration.ofMinutes(7));
			assertThat(anonymous.post("/v1/auth/login", login).status()).as("one sign-in's worth back").isEqualTo(200);
		}

		@Test
		void guessesAtALoginWithoutAnAccountAreAnsweredAsGuessesAtAFreeAccount() {
			// given: a free account (login 10/hour, and the lockout), and a login nobody
			// has
			clock.set(Instant.parse("2027-03-16T09:00:00Z"));
			var email = TestMail.uniqueAddress("ad-guessed");
			var registered = anonymous.post("/v1/auth/register",
					Api.json(Map.of("email", email, "password", "a long enough pass phrase")));
			assertThat(registered.status()).as(registered.toString()).isEqualTo(202);
			var known = Api.json(Map.of("login", email, "password", "not the pass phrase"));
			var unknown = Api.json(Map.of("login", TestMail.uniqueAddress("ad-nobody"), "password", "not it either"));

			// when: the same wrong guesses at both, waiting out each refusal's
			// Retry-After
			var atKnown = new ArrayList<String>();
			var atUnknown = new ArrayList<String>();
			for (int i = 1; i <= 16; i++) {
				var k = anonymous.post("/v1/auth/login", known);
				var u = anonymous.post("/v1/auth/login", unknown);
				atKnown.add(k.status() + " " + k.code() + " " + k.header("Retry-After"));
				atUnknown.add(u.status() + " " + u.code() + " " + u.header("Retry-After"));
				var wait = k.header("Retry-After");
				clock.advance(Duration.ofSeconds(wait == null ? 30 : Long.parseLong(wait)));
			}

			// then: answer for answer the same, the plan's limit reached on the way
			assertThat(atUnknown).isEqualTo(atKnown);
			assertThat(atKnown).anyMatch(answer -> answer.startsWith("429 too_many_attempts"));
			assertThat(atKnown).anyMatch(answer -> answer.startsWith("401 invalid_credentials"));
		}

		@Test
		void eleventhFreeJobInAMonthIsRefusedWithQuotaExceeded() {
			// given: a free user that created 10 jobs in March
			clock.set(Instant.parse("2027-03-15T12:00:00Z"));
			var user = newCustomer("ad-eleventh");
			for (int i = 1; i <= 10; i++) {
				createJob(user, "ad-eleventh-" + i);
			}

			// when
			var eleventh = createJob(user, "ad-eleventh-11");

			// then: 402 Payment Required, naming the quota and the plan to upgrade to
			var problem = assertProblem(eleventh, 402, "quota_exceeded");
			assertThat(problem.path("feature").asString()).isEqualTo("jobs");
			assertThat(problem.path("limit").asLong()).isEqualTo(10);
			assertThat(problem.path("used").asLong()).isEqualTo(10);
			assertThat(problem.path("remaining").asLong()).isZero();
			assertThat(problem.path("upgradePlan").asString()).isEqualTo("pro");
			assertThat(Instant.parse(problem.path("resetsAt").asString()))
				.isEqualTo(Instant.parse("2027-04-01T00:00:00Z"));
			assertThat(quota(api, user, "jobs").path("used").asLong()).isEqualTo(10);
		}

		@Test
		void jobsCountAgainFromTheFirstOfTheNextMonth() {
			// given: a free user out of jobs in March
			clock.set(Instant.parse("2027-03-20T08:00:00Z"));
			var user = newCustomer("ad-month");
			consumed(api, user, "jobs", 10, "ad-month-march");
			assertProblem(createJob(user, "ad-month-march-11"), 402, "quota_exceeded");

			// when: April begins
			clock.set(Instant.parse("2027-04-01T00:00:00Z"));
			var april = createJob(user, "ad-month-april-1");

			// then
			assertThat(april.status()).as(april.toString()).isEqualTo(200);
			assertThat(april.body().path("used").asLong()).isEqualTo(1);
			assertThat(april.body().path("limit").asLong()).isEqualTo(10);
		}

		@Test
		void proAllows500JobsAMonth() {
			// given: a pro user
			clock.set(Instant.parse("2027-05-03T09:00:00Z"));
			var user = newCustomer("ad-pro");
			changePlan(api, user, "pro");

			// when: 11 jobs one by one, then the rest of the 500 at once, then one more
			for (int i = 1; i <= 11; i++) {
				consumed(api, user, "jobs", 1, "ad-pro-" + i);
			}
			var rest = consumed(api, user, "jobs", 489, "ad-pro-rest");
			var over = createJob(user, "ad-pro-501");

			// then
			assertThat(rest.path("used").asLong()).isEqualTo(500);
			assertThat(rest.path("limit").asLong()).isEqualTo(500);
			var problem = assertProblem(over, 402, "quota_exceeded");
			assertThat(problem.path("limit").asLong()).isEqualTo(500);
			assertThat(problem.path("used").asLong()).isEqualTo(500);
			assertThat(problem.path("upgradePlan").asString()).isEqualTo("enterprise");
		}

		@Test
		void upgradeOfAFreeUserOutOfJobsAllowsMoreAtOnce() {
			// given
			clock.set(Instant.parse("2027-06-10T09:00:00Z"));
			var user = newCustomer("ad-upgrade");
			consumed(api, user, "jobs", 10, "ad-upgrade-10");
			assertProblem(createJob(user, "ad-upgrade-11"), 402, "quota_exceeded");

			// when
			changePlan(api, user, "pro");
			var eleventh = createJob(user, "ad-upgrade-11-again");

			// then
			assertThat(eleventh.status()).as(eleventh.toString()).isEqualTo(200);
			assertThat(eleventh.body().path("used").asLong()).isEqualTo(11);
			assertThat(eleventh.body().path("limit").asLong()).isEqualTo(500);
		}

		@Test
		void planListIsPublicWithThePricesOfTheTable() {
			// given: no credential

			// when
			var response = anonymous.get("/v1/plans");

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			var prices = new LinkedHashMap<String, Long>();
			response.body()
				.path("data")
				.valueStream()
				.forEach(plan -> prices.put(plan.path("key").asString(), plan.path("price").path("amount").asLong()));
			assertThat(prices).containsOnly(Map.entry("free", 0L), Map.entry("pro", 1999L),
					Map.entry("enterprise", 9999L));
			assertThat(response.body().path("data").findValuesAsString("currency")).containsOnly("USD");
		}

		@Test
		void loginRateIsTenAnHourOnFreeAndFiveTimesThatOnPro() {
			// given
			var freeUser = newCustomer("ad-rate-free");
			var proUser = newCustomer("ad-rate-pro");
			changePlan(api, proUser, "pro");

			// when
			var onFree = features(freeUser).path("login_rate");
			var onPro = features(proUser).path("login_rate");

			// then
			assertThat(onFree.path("limit").asLong()).isEqualTo(10);
			assertThat(onFree.path("windowSeconds").asLong()).isEqualTo(3600);
			assertThat(onPro.path("limit").asLong()).isEqualTo(50);
			assertThat(onPro.path("windowSeconds").asLong()).isEqualTo(3600);
		}

		@Test
		void everyScopeRateIsScaledFivefoldOnPro() {
			// given
			var freeUser = newCustomer("ad-scopes-free");
			var proUser = newCustomer("ad-scopes-pro");
			changePlan(api, proUser, "pro");

			// when
			var onFree = features(freeUser);
			var onPro = features(proUser);

			// then
			for (var scope : Map.of("login_rate", 10L, "register_rate", 5L, "api_rate", 60L, "jobs_rate", 10L)
				.entrySet()) {
				assertThat(onFree.path(scope.getKey()).path("limit").asLong()).as(scope.getKey())
					.isEqualTo(scope.getValue());
				assertThat(onPro.path(scope.getKey()).path("limit").asLong()).as(scope.getKey())
					.isEqualTo(5 * scope.getValue());
			}
		}

	}

	/**
	 * Product D, the AI assistant for businesses: queries per billing period, feature
	 * flags by minimum plan, usage alerts.
	 */
	@Nested
	@FreshSchema
	class AiAssistant extends ServerTest {

		@DynamicPropertySource
		static void catalog(DynamicPropertyRegistry registry) {
			FreshDatabase.register(registry, "acceptance_ai_assistant");
			registry.add("plangate.catalog", () -> example("ai-assistant.yaml"));
		}

		private Api.Response query(String businessId, String queryId) {
			return consume(api, businessId, "queries", 1, queryId);
		}

		@Test
		void hundredAndFirstQueryOfAFreeBusinessInTheBillingPeriodIsRefused() {
			// given: a free business that asked 100 queries this period
			var business = newCustomer("ai-free");
			for (int i = 1; i <= 100; i++) {
				var answer = query(business, "ai-free-" + i);
				assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
			}

			// when
			var hundredAndFirst = query(business, "ai-free-101");

			// then
			var problem = assertProblem(hundredAndFirst, 402, "quota_exceeded");
			assertThat(problem.path("limit").asLong()).isEqualTo(100);
			assertThat(problem.path("used").asLong()).isEqualTo(100);
			assertThat(problem.path("upgradePlan").asString()).isEqualTo("starter");
			var subscription = api.get(customerPath(business) + "/subscription").body();
			assertThat(problem.path("resetsAt")).as("the count resets with the billing period")
				.isEqualTo(subscription.path("currentPeriodEnd"));
		}

		@Test
		void starterQueriesBeyondTheLimitAreAdmittedAsOverageAndPriced() {
			// given: a starter business that asked its 2,000 queries this period
			var business = newCustomer("ai-overage");
			changePlan(api, business, "starter");
			consumed(api, business, "queries", 2_000, "ai-overage-bulk");

			// when
			var beyond = consumed(api, business, "queries", 25, "ai-overage-beyond");

			// then: billed at 1 cent a query once the period ends
			assertThat(beyond.path("overage").asBoolean()).isTrue();
			assertThat(beyond.path("overageUnits").asLong()).isEqualTo(25);
			var queries = quota(api, business, "queries");
			assertThat(queries.path("overageBilled").asLong()).isEqualTo(25);
			assertThat(queries.path("overageCost").asLong()).isEqualTo(25);
			assertThat(queries.path("currency").asString()).isEqualTo("USD");
		}

		@Test
		void freeQueriesBeyondTheLimitHaveNoOverageButAPaidEmergencyPoolChargedOnce() {
			// given: a free business out of queries
			var business = newCustomer("ai-pool");
			consumed(api, business, "queries", 100, "ai-pool-bulk");
			var refused = query(business, "ai-pool-refused");

			// when: it buys an emergency pool of 50 queries for $9
			var pool = api.post(customerPath(business) + "/grants", Api.json(Map.of("feature", "queries", "amount", 50,
					"reason", "emergency pool", "price", Map.of("amount", 900, "currency", "USD"))));
			var drawn = query(business, "ai-pool-drawn");

			// then
			assertProblem(refused, 402, "quota_exceeded");
			assertThat(pool.status()).as(pool.toString()).isEqualTo(201);
			assertThat(drawn.status()).as(drawn.toString()).isEqualTo(200);
			assertThat(drawn.body().path("fromGrants").asLong()).isEqualTo(1);
			assertThat(drawn.body().path("overage").asBoolean()).isFalse();
			var charges = api.get(customerPath(business) + "/charges").body().path("data");
			assertThat(charges).hasSize(1);
			assertThat(charges.get(0).path("kind").asString()).isEqualTo("grant");
			assertThat(charges.get(0).path("amount").asLong()).isEqualTo(900);
			assertThat(charges.get(0).path("status").asString()).isEqualTo("recorded");
		}

		@Test
		void batchProcessingOnProIsNotInThePlanAndNamesBusiness() {
			// given
			var business = newCustomer("ai-batch");
			changePlan(api, business, "pro");

			// when
			var response = api.post("/v1/check",
					Api.json(Map.of("customerId", business, "feature", "batch_processing")));

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			var verdict = response.body();
			assertThat(verdict.path("allowed").asBoolean()).isFalse();
			assertThat(verdict.path("code").asString()).isEqualTo("feature_not_in_plan");
			assertThat(verdict.path("upgradePlan").asString()).isEqualTo("business");
		}

		@Test
		void batchProcessingOnBusinessIsAllowed() {
			// given
			var business = newCustomer("ai-batch-business");
			changePlan(api, business, "business");

			// when
			var response = api.post("/v1/check",
					Api.json(Map.of("customerId", business, "feature", "batch_processing")));

			// then
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("allowed").asBoolean()).isTrue();
		}

		@Test
		void businessAtEightyPercentOfQueriesIsApproaching() {
			// given: a business plan, 50,000 queries a period
			var business = newCustomer("ai-approach");
			changePlan(api, business, "business");

			// when
			consumed(api, business, "queries", 40_000, "ai-approach-bulk");

			// then
			var queries = quota(api, business, "queries");
			assertThat(queries.path("used").asLong()).isEqualTo(40_000);
			assertThat(queries.path("limit").asLong()).isEqualTo(50_000);
			assertThat(queries.path("percent").asDouble()).isEqualTo(80.0);
			assertThat(alerts(queries)).containsExactly("approaching");
		}

		@Test
		void businessOneQueryShortOfEightyPercentHasNoAlert() {
			// given
			var business = newCustomer("ai-below");
			changePlan(api, business, "business");

			// when: 39,999 of 50,000 (79.998 %)
			consumed(api, business, "queries", 39_999, "ai-below-bulk");

			// then
			var queries = quota(api, business, "queries");
			assertThat(queries.path("remaining").asLong()).isEqualTo(10_001);
			assertThat(alerts(queries)).as(queries.toString()).isEmpty();
		}

		@Test
		void businessOneQueryShortOfTheLimitIsApproachingNotReached() {
			// given
			var business = newCustomer("ai-almost");
			changePlan(api, business, "business");

			// when: 49,999 of 50,000, one query still allowed
			consumed(api, business, "queries", 49_999, "ai-almost-bulk");

			// then
			var queries = quota(api, business, "queries");
			assertThat(queries.path("remaining").asLong()).isEqualTo(1);
			assertThat(alerts(queries)).as(queries.toString()).containsExactly("approaching");
			assertThat(query(business, "ai-almost-last").status()).isEqualTo(200);
			assertThat(alerts(quota(api, business, "queries"))).containsExactly("reached");
		}

		private List<JsonNode> alertHistory(Api client, String path) {
			var response = client.get(path);
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			return response.body().path("data").valueStream().toList();
		}

		@Test
		void aBusinessApproachingItsQueryLimitIsAlertedOnceByMailAndInItsHistory() {
			// given: a free business (100 queries a period) that asked 79
			var business = newCustomer("ai-alert");
			consumed(api, business, "queries", 79, "ai-alert-bulk");
			assertThat(alertHistory(api, customerPath(business) + "/alerts")).isEmpty();

			// when: the 80th query reaches 80 %, the next ones approach no further
			// threshold
			query(business, "ai-alert-80");
			query(business, "ai-alert-81");
			query(business, "ai-alert-82");

			// then
			var history = alertHistory(api, customerPath(business) + "/alerts");
			assertThat(history).hasSize(1);
			assertThat(history.get(0).path("type").asString()).isEqualTo("usage.threshold_reached");
			assertThat(history.get(0).path("feature").asString()).isEqualTo("queries");
			assertThat(history.get(0).path("threshold").asInt()).isEqualTo(80);
			assertThat(history.get(0).path("used").asLong()).isEqualTo(80);
			assertThat(history.get(0).path("limit").asLong()).isEqualTo(100);
			assertThat(history.get(0).path("eventId").asString()).isEqualTo("ai-alert-80");
			var mail = TestMail.awaitMessageTo(business + "@example.com", Duration.ofSeconds(10));
			assertThat(mail.subject()).isEqualTo("You have used 80 % of your Queries");
			assertThat(mail.text()).contains("You have used 80 of the 100 query of Queries");
		}

		@Test
		void aBusinessExceedingItsQueryLimitIsAlertedOncePerPeriodAndSeesItsAlerts() {
			// given: a free business that used its 100 queries
			var business = newCustomer("ai-exceeded");
			consumed(api, business, "queries", 100, "ai-exceeded-bulk");

			// when: it keeps asking
			for (int i = 1; i <= 3; i++) {
				assertProblem(query(business, "ai-exceeded-refused-" + i), 402, "quota_exceeded");
			}

			// then: 80 % and 100 % reached at once, and exceeded once, newest first
			var history = alertHistory(api, customerPath(business) + "/alerts");
			assertThat(history).extracting(a -> a.path("type").asString())
				.containsExactly("quota.exceeded", "usage.threshold_reached", "usage.threshold_reached");
			assertThat(history.get(0).path("eventId").asString()).isEqualTo("ai-exceeded-refused-1");
			var token = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", business)));
			var mine = alertHistory(api.withKey(token.body().path("token").asString()), "/v1/me/alerts");
			assertThat(mine).hasSize(3);
			assertThat(TestMail.awaitMessageTo(business + "@example.com", Duration.ofSeconds(10))).isNotNull();
		}

		@Test
		void aBusinessWithItsOwnAlertThresholdsIsAlertedAtThoseInstead() {
			// given: a pro business (10,000 queries) alerted at 50 % and 90 % by its own
			// setting
			var business = newCustomer("ai-own-alerts");
			changePlan(api, business, "pro");
			var set = api.put(customerPath(business) + "/alert-thresholds/queries", "{\"thresholds\":[50,90]}");
			assertThat(set.status()).as(set.toString()).isEqualTo(200);

			// when
			consumed(api, business, "queries", 5_000, "ai-own-half");
			consumed(api, business, "queries", 3_500, "ai-own-85");

			// then
			var history = alertHistory(api, customerPath(business) + "/alerts");
			assertThat(history).extracting(a -> a.path("threshold").asInt()).containsExactly(50);
			consumed(api, business, "queries", 500, "ai-own-90");
			assertThat(alertHistory(api, customerPath(business) + "/alerts"))
				.extracting(a -> a.path("threshold").asInt())
				.containsExactly(90, 50);
		}

		@Test
		void downgradeFromTwelveLocationsToAFiveLocationPlanIsRefusedWithTheViolationListed() {
			// given: a business with 12 locations
			var business = newCustomer("ai-locations");
			changePlan(api, business, "business");
			consumed(api, business, "locations", 12, "ai-locations-12");

			// when
			var preview = api.get(customerPath(business) + "/subscription/preview?plan=pro");
			var downgrade = api.post(customerPath(business) + "/subscription", "{\"plan\":\"pro\"}");

			// then
			assertThat(preview.status()).as(preview.toString()).isEqualTo(200);
			assertThat(preview.body().path("allowed").asBoolean()).isFalse();
			var problem = assertProblem(downgrade, 409, "downgrade_blocked");
			var violation = problem.path("violations").get(0);
			assertThat(problem.path("violations")).hasSize(1);
			assertThat(violation.path("feature").asString()).isEqualTo("locations");
			assertThat(violation.path("used").asLong()).isEqualTo(12);
			assertThat(violation.path("targetLimit").asLong()).isEqualTo(5);
			var subscription = api.get(customerPath(business) + "/subscription").body();
			assertThat(subscription.path("plan").path("key").asString()).isEqualTo("business");
			assertThat(subscription.has("pendingChange")).isFalse();
		}

		@Test
		void downgradeWaitsForThePeriodsEndAndAnUpgradeIsProrated() {
			// given
			var business = newCustomer("ai-down");
			changePlan(api, business, "business");

			// when
			var upgrade = api.get(customerPath(business) + "/subscription/preview?plan=enterprise").body();
			var downgrade = api.post(customerPath(business) + "/subscription", "{\"plan\":\"pro\"}");

			// then: business on its first day, 29,900 a month, enterprise 99,900
			assertThat(upgrade.path("direction").asString()).isEqualTo("upgrade");
			assertThat(upgrade.path("when").asString()).isEqualTo("now");
			var proration = upgrade.path("proration");
			assertThat(proration.path("credit").asLong()).isEqualTo(29_900);
			assertThat(proration.path("charge").asLong()).isEqualTo(99_900);
			assertThat(proration.path("net").asLong()).isEqualTo(70_000);
			assertThat(downgrade.status()).as(downgrade.toString()).isEqualTo(200);
			var body = downgrade.body();
			assertThat(body.path("plan").path("key").asString()).isEqualTo("business");
			assertThat(body.path("pendingChange").path("plan").path("key").asString()).isEqualTo("pro");
			assertThat(body.path("pendingChange").path("effectiveAt")).isEqualTo(body.path("currentPeriodEnd"));
		}

	}

}

package com.example.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.client.CustomerChanges;
import dev.plangate.client.PlanChange;
import dev.plangate.client.Plangate;
import dev.plangate.spring.PlangateRefusalException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Acme Reports against a real Plangate server (started by {@link PlangateServer} from its
 * executable jar): the endpoint gated by plan, the metered one and the capped one, as the
 * product's clients see them, and the usage as Plangate recorded it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ReportsApplicationTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	@DynamicPropertySource
	static void plangate(DynamicPropertyRegistry registry) {
		registry.add("plangate.url", () -> PlangateServer.get().url());
		registry.add("plangate.api-key", () -> PlangateServer.API_KEY);
	}

	@LocalServerPort
	int port;

	@Autowired
	Plangate plangate;

	@Autowired
	Exports exports;

	@Test
	void ssoSettingsAreForPlansThatIncludeSso() throws Exception {
		// given: a customer on the free plan
		var customer = newCustomer();

		// when
		var refused = call("GET", "/sso/settings", customer, null);
		plangate.changePlan(customer, PlanChange.to("enterprise"));
		var allowed = call("GET", "/sso/settings", customer, null);

		// then
		assertThat(refused.statusCode()).isEqualTo(402);
		assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
		var problem = JSON.readTree(refused.body());
		assertThat(problem.path("type").asString()).isEqualTo("https://plangate.dev/problems/feature-not-in-plan");
		assertThat(problem.path("status").asInt()).isEqualTo(402);
		assertThat(problem.path("code").asString()).isEqualTo("feature_not_in_plan");
		assertThat(problem.path("feature").asString()).isEqualTo("sso");
		assertThat(problem.path("upgradePlan").asString()).isEqualTo("enterprise");
		assertThat(problem.path("instance").asString()).isEqualTo("/sso/settings");
		assertThat(allowed.statusCode()).isEqualTo(200);
		assertThat(JSON.readTree(allowed.body()).path("protocol").asString()).isEqualTo("saml");
	}

	@Test
	void reportsAreMeteredOnTheServerAndRefusedOnceTheQuotaIsSpent() throws Exception {
		// given: 3 api_calls a month
		var customer = newCustomer();
		override(customer, "api_calls", 3);

		// when: 3 reports, one of them retried with its Idempotency-Key, then a fourth
		var created = new ArrayList<Integer>();
		created.add(call("POST", "/reports", customer, "report-1").statusCode());
		created.add(call("POST", "/reports", customer, "report-1").statusCode());
		created.add(call("POST", "/reports", customer, null).statusCode());
		created.add(call("POST", "/reports", customer, null).statusCode());
		var refused = call("POST", "/reports", customer, null);

		// then
		assertThat(created).containsOnly(201);
		assertThat(plangate.check(customer, "api_calls").used()).as("the retry counted once").isEqualTo(3);
		assertThat(refused.statusCode()).isEqualTo(402);
		var problem = JSON.readTree(refused.body());
		assertThat(problem.path("code").asString()).isEqualTo("quota_exceeded");
		assertThat(problem.path("limit").asLong()).isEqualTo(3);
		assertThat(problem.path("used").asLong()).isEqualTo(3);
		assertThat(problem.path("remaining").asLong()).isZero();
		assertThat(problem.path("resetsAt").asString()).isNotBlank();
		assertThat(problem.path("upgradePlan").asString()).isEqualTo("pro");
		assertThat(plangate.check(customer, "api_calls").used()).as("the refusal took nothing").isEqualTo(3);
	}

	@Test
	void racingExportsNeverRunMoreThanThePlansConcurrentJobs() throws Exception {
		// given: 2 concurrent jobs
		var customer = newCustomer();
		override(customer, "concurrent_jobs", 2);

		// when: 8 exports of 1.5 s at once
		var answers = race(8, () -> call("POST", "/exports?millis=1500", customer, null));

		// then
		var statuses = answers.stream().map(HttpResponse::statusCode).toList();
		assertThat(statuses).containsOnly(200, 429);
		assertThat(statuses.stream().filter(s -> s == 200).count()).isBetween(1L, 2L);
		assertThat(exports.mostAtOnce()).isLessThanOrEqualTo(2);
		var refused = answers.stream().filter(a -> a.statusCode() == 429).findFirst().orElseThrow();
		var problem = JSON.readTree(refused.body());
		assertThat(problem.path("code").asString()).isEqualTo("concurrency_limit_reached");
		assertThat(problem.path("limit").asLong()).isEqualTo(2);
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"concurrent_jobs\";q=2");
		assertThat(refused.headers().firstValue("RateLimit").orElseThrow()).startsWith("\"concurrent_jobs\";r=0;t=");
		assertThat(call("POST", "/exports", customer, null).statusCode()).as("the slots are released after")
			.isEqualTo(200);
		assertThat(plangate.check(customer, "api_calls").used())
			.as("an export counts as an API call, and one refused for its concurrency is not charged")
			.isEqualTo(statuses.stream().filter(s -> s == 200).count() + 1);
	}

	@Test
	void searchesPastThePlansRateAreTooManyWithTheRateLimitHeaders() throws Exception {
		// given: the free plan's 60 api_rate requests a minute (refilled as the minute
		// goes)
		var customer = newCustomer();

		// when: searching until refused
		int allowed = 0;
		var refused = call("GET", "/search?q=x", customer, null);
		while (refused.statusCode() == 200 && allowed < 200) {
			allowed++;
			refused = call("GET", "/search?q=x", customer, null);
		}

		// then
		assertThat(allowed).isBetween(60, 199);
		assertThat(refused.statusCode()).isEqualTo(429);
		assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"api_rate\";q=60;w=60");
		assertThat(refused.headers().firstValue("RateLimit").orElseThrow()).matches("\"api_rate\";r=\\d+;t=\\d+");
		assertThat(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 60L);
		var problem = JSON.readTree(refused.body());
		assertThat(problem.path("code").asString()).isEqualTo("rate_limited");
		assertThat(problem.path("retryAfter").asLong()).isPositive();
	}

	@Test
	void aServiceCalledOutsideARequestNamesItsCustomerByParameter() throws Exception {
		// given: one concurrent job, held by a request's export
		var customer = newCustomer();
		var running = Executors.newSingleThreadExecutor()
			.submit(() -> call("POST", "/exports?millis=2000", customer, null));
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
		while (exports.running() == 0 && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}

		// when
		var whileHeld = catchThrowable(() -> exports.runScheduled(customer));
		assertThat(running.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
		var afterwards = exports.runScheduled(customer);

		// then
		assertThat(whileHeld).isInstanceOfSatisfying(PlangateRefusalException.class,
				ex -> assertThat(ex.code()).isEqualTo("concurrency_limit_reached"));
		assertThat(afterwards).containsEntry("status", "done");
	}

	@Test
	void aRequestNamingNoCustomerIsRefusedAndNothingIsAsked() throws Exception {
		// given
		long decisions = plangate.status().remoteDecisions();

		// when
		var answer = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/reports"))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build(), HttpResponse.BodyHandlers.ofString());

		// then
		assertThat(answer.statusCode()).isEqualTo(401);
		assertThat(JSON.readTree(answer.body()).path("code").asString()).isEqualTo("customer_unresolved");
		assertThat(plangate.status().remoteDecisions()).isEqualTo(decisions);
	}

	@Test
	void healthAndMetricsShowTheClient() throws Exception {
		// given
		var customer = newCustomer();
		call("POST", "/reports", customer, null);

		// when
		var health = JSON.readTree(get("/actuator/health").body());
		var decisions = JSON.readTree(get("/actuator/metrics/plangate.client.decisions?tag=source:remote").body());
		var stream = JSON.readTree(get("/actuator/metrics/plangate.client.stream.state?tag=state:off").body());

		// then
		assertThat(health.at("/components/plangate/status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/plangate/details/stream").asString()).isEqualTo("OFF");
		assertThat(value(decisions)).isGreaterThanOrEqualTo(1);
		assertThat(value(stream)).isEqualTo(1);
	}

	private String newCustomer() {
		var id = "acme-" + UUID.randomUUID().toString().substring(0, 8);
		plangate.upsertCustomer(id, CustomerChanges.none().withName("Acme " + id));
		return id;
	}

	/** Sets a customer's limit of a feature on the server, as its operator would. */
	private void override(String customer, String feature, long limit) throws Exception {
		var answer = HTTP.send(HttpRequest
			.newBuilder(URI.create(PlangateServer.get().url() + "/v1/customers/" + customer + "/overrides/" + feature))
			.header("Authorization", "Bearer " + PlangateServer.API_KEY)
			.header("Content-Type", "application/json")
			.PUT(HttpRequest.BodyPublishers.ofString("{\"value\":{\"limit\":" + limit + "}}"))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
	}

	private HttpResponse<String> call(String method, String path, String customer, String idempotencyKey)
			throws Exception {
		var request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
			.timeout(Duration.ofSeconds(30))
			.header("X-Customer-Id", customer)
			.method(method, HttpRequest.BodyPublishers.noBody());
		if (idempotencyKey != null) {
			request.header("Idempotency-Key", idempotencyKey);
		}
		return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
	}

	private HttpResponse<String> get(String path) throws Exception {
		return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static double value(JsonNode metric) {
		return metric.path("measurements").get(0).path("value").asDouble();
	}

	private static <T> List<T> race(int n, Callable<T> task) throws Exception {
		var start = new CountDownLatch(1);
		var pool = Executors.newFixedThreadPool(n);
		try {
			var futures = new ArrayList<Future<T>>();
			for (int i = 0; i < n; i++) {
				futures.add(pool.submit(() -> {
					start.await();
					return task.call();
				}));
			}
			start.countDown();
			var results = new ArrayList<T>();
			for (var future : futures) {
				results.add(future.get(60, TimeUnit.SECONDS));
			}
			return results;
		}
		finally {
			pool.shutdownNow();
		}
	}

}

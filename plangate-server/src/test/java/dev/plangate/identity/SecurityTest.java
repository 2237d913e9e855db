package dev.plangate.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.context.support.ServletRequestHandledEvent;

import dev.plangate.identity.account.AccountCalls;
import dev.plangate.identity.apikey.ApiKeyKind;
import dev.plangate.identity.apikey.ApiKeySecret;
import dev.plangate.platform.PlatformSettings;
import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

class SecurityTest extends ServerTest {

	/**
	 * Operations callable without a key: the public plan catalog, signing up and in (each
	 * limited per client IP), and Stripe's signed events.
	 */
	private static final Set<String> PUBLIC_OPERATIONS = Set.of("GET /v1/plans", "GET /v1/plans/{key}",
			"POST /v1/auth/register", "POST /v1/auth/verify-email", "POST /v1/auth/login", "POST /v1/auth/refresh",
			"POST /v1/auth/password/forgot", "POST /v1/auth/password/reset", "POST /v1/auth/email/confirm",
			"POST /v1/billing/stripe/webhook");

	private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([^}]+)}");

	@Autowired
	private ConfigurableApplicationContext context;

	@Autowired
	PlatformSettings settings;

	@Test
	void everyKindOfAnswerCarriesTheSecurityHeaders() {
		// given
		record Case(String kind, int status, Supplier<Api.Response> request) {
		}
		var cases = List.of(new Case("public", 200, () -> anonymous.get("/v1/plans")),
				new Case("authenticated", 200, () -> api.get("/v1/customers")),
				new Case("401", 401, () -> anonymous.get("/v1/customers")),
				new Case("404 problem", 404, () -> api.get("/v1/customers/" + uniqueId("nobody"))),
				new Case("404 unmapped", 404, () -> api.get("/v1/no-such-thing")),
				new Case("400 problem", 400, () -> api.put("/v1/customers/" + uniqueId("bad"), "{\"name\":")),
				new Case("405", 405, () -> api.delete("/v1/plans")),
				new Case("health", 200, () -> anonymous.get("/actuator/health")),
				new Case("api docs", 200, () -> anonymous.get("/v3/api-docs")));

		for (var c : cases) {
			// when
			var response = c.request().get();

			// then
			assertThat(response.status()).as(c.kind() + ": " + response).isEqualTo(c.status());
			assertSecurityHeaders(c.kind(), response);
		}
	}

	@Test
	void tooLargeAnswerCarriesTheSecurityHeaders() {
		// given
		var tooLarge = "{\"name\":\"" + "x".repeat((int) settings.maxRequestSize().toBytes()) + "\"}";

		// when
		var response = api.post("/v1/api-keys", tooLarge);

		// then
		assertThat(response.status()).isEqualTo(413);
		assertSecurityHeaders("413", response);
	}

	@ParameterizedTest
	@ValueSource(strings = { "/v1/customers/a;b", "/v1/customers//x", "/v1/customers/%2e%2e/x", "/v1/customers/a%25b" })
	void requestRejectedByTheFirewallCarriesTheSecurityHeadersAndAProblem(String path) {
		// when
		var response = api.get(path);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertSecurityHeaders("rejected " + path, response);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.code()).isEqualTo("invalid_request");
	}

	@Test
	void jsonAnswersForbidLoadingAnythingWhileSwaggerUiMayLoadItsOwnScripts() {
		// when
		var json = api.get("/v1/customers");
		var ui = anonymous.get("/swagger-ui/index.html");

		// then
		assertThat(json.header("Content-Security-Policy")).contains("default-src 'none'", "frame-ancestors 'none'");
		assertThat(ui.header("Content-Security-Policy")).contains("default-src 'self'", "frame-ancestors 'none'")
			.doesNotContain("'unsafe-eval'");
		assertSecurityHeaders("swagger ui", ui);
	}

	@Test
	void statelessAnswersSetNoCookie() {
		// when
		var authenticated = api.get("/v1/customers");
		var refused = anonymous.get("/v1/customers");

		// then
		assertThat(authenticated.header("Set-Cookie")).isNull();
		assertThat(refused.header("Set-Cookie")).isNull();
	}

	@Test
	void everyDocumentedOperationButThePlanCatalogNeedsAKey() {
		// given
		var docs = anonymous.get("/v3/api-docs");
		assertThat(docs.status()).isEqualTo(200);
		var operations = new ArrayList<String>();
		docs.body()
			.path("paths")
			.properties()
			.forEach(path -> path.getValue()
				.properties()
				.forEach(method -> operations.add(method.getKey().toUpperCase() + " " + path.getKey())));
		var checked = operations.stream().filter(o -> o.contains(" /v1/") && !PUBLIC_OPERATIONS.contains(o)).toList();
		assertThat(checked).as("documented /v1 operations").hasSizeGreaterThan(20);

		var failures = new ArrayList<String>();
		for (var operation : checked) {
			String method = operation.substring(0, operation.indexOf(' '));
			String path = sample(operation.substring(operation.indexOf(' ') + 1));
			String body = Set.of("POST", "PUT", "PATCH").contains(method) ? "{}" : null;

			// when
			var response = anonymous.send(method, path, body, Map.of());

			// then
			if (response.status() != 401 || !response.code().equals("unauthenticated")
					|| !"Bearer".equals(response.header("WWW-Authenticate"))
					|| !String.valueOf(response.header("Content-Type")).startsWith("application/problem+json")) {
				failures
					.add(method + " " + path + " -> " + response.status() + " " + response.header("WWW-Authenticate")
							+ " " + response.header("Content-Type") + " " + response.text());
			}
		}
		assertThat(failures).as("operations answering without a key").isEmpty();
	}

	@Test
	void everyDocumentedOperationRefusesTheWrongKindOfCredential() {
		// given
		var customerToken = api.post("/v1/customer-tokens", Api.json(Map.of("customerId", newCustomer("sec-kinds"))))
			.body()
			.get("token")
			.asString();
		var signIn = AccountCalls.signIn(anonymous, AccountCalls.verifiedAccount(anonymous, "sec-kinds"));
		var accountToken = signIn.get("accessToken").asString();
		var account = AccountCalls.as(anonymous, signIn);
		var personalKey = personalKey(account, "write");
		var readOnlyKey = personalKey(account, "read");
		var workerKey = apiKeys.create("sec-kinds", ApiKeyKind.WORKER).secret();
		var credentials = Map.of("customer token", customerToken, "account token", accountToken, "personal key",
				personalKey, "read-only personal key", readOnlyKey, "worker key", workerKey, "server key", api.key());
		var checked = documentedOperations().stream().filter(o -> !PUBLIC_OPERATIONS.contains(o)).toList();
		var failures = new ArrayList<String>();
		int refusals = 0;

		for (var operation : checked) {
			String method = operation.substring(0, operation.indexOf(' '));
			String template = operation.substring(operation.indexOf(' ') + 1);
			String body = Set.of("POST", "PUT", "PATCH").contains(method) ? "{}" : null;
			for (var kind : refusedKinds(method, template)) {
				// when
				var response = anonymous.withKey(credentials.get(kind)).send(method, sample(template), body, Map.of());

				// then
				refusals++;
				if (response.status() != 403 || !response.code().equals("forbidden")
						|| !String.valueOf(response.header("Content-Type")).startsWith("application/problem+json")) {
					failures.add(kind + " on " + operation + " -> " + response);
				}
			}
		}
		assertThat(refusals).as("refusals checked").isGreaterThan(checked.size() * 3);
		assertThat(failures).as("operations letting the wrong credential through").isEmpty();
	}

	/**
	 * The kinds of credential an operation must refuse with 403: server endpoints take a
	 * server key only, the worker API a worker or server key, /v1/me an end user's token
	 * or personal key (its keys an account's token only), the admin API for accounts a
	 * server key or an admin's token.
	 */
	private static List<String> refusedKinds(String method, String template) {
		if (template.startsWith("/v1/auth/")) {
			return List.of("server key", "worker key", "customer token", "personal key");
		}
		if (template.startsWith("/v1/me/api-keys")) {
			return List.of("server key", "worker key", "customer token", "personal key", "read-only personal key");
		}
		if (template.equals("/v1/me") || template.startsWith("/v1/me/")) {
			return method.equals("GET") ? List.of("server key", "worker key")
					: List.of("server key", "worker key", "read-only personal key");
		}
		if (template.startsWith("/v1/worker/")) {
			return List.of("customer token", "account token", "personal key");
		}
		if (template.startsWith("/v1/admin/accounts")) {
			return List.of("customer token", "account token", "personal key", "worker key");
		}
		return List.of("customer token", "account token", "personal key", "worker key");
	}

	private static String personalKey(Api account, String scope) {
		var created = account.post("/v1/me/api-keys",
				Api.json(Map.of("name", "security " + scope, "scopes", List.of(scope))));
		assertThat(created.status()).as(created.toString()).isEqualTo(201);
		return created.body().get("secret").asString();
	}

	/** Every documented /v1 operation as "METHOD /path/{template}". */
	private List<String> documentedOperations() {
		var docs = anonymous.get("/v3/api-docs");
		assertThat(docs.status()).isEqualTo(200);
		var operations = new ArrayList<String>();
		docs.body()
			.path("paths")
			.properties()
			.forEach(path -> path.getValue()
				.properties()
				.forEach(method -> operations.add(method.getKey().toUpperCase() + " " + path.getKey())));
		var v1 = operations.stream().filter(o -> o.contains(" /v1/")).toList();
		assertThat(v1).as("documented /v1 operations").hasSizeGreaterThan(20);
		return v1;
	}

	@Test
	void planCatalogIsPublic() {
		// when
		var plans = anonymous.get("/v1/plans");
		var plan = anonymous.get("/v1/plans/pro");
		var missing = anonymous.get("/v1/plans/" + uniqueKey("missing"));

		// then
		assertThat(plans.status()).isEqualTo(200);
		assertThat(plan.status()).isEqualTo(200);
		assertThat(plan.body().path("key").asString()).isEqualTo("pro");
		assertThat(missing.status()).isEqualTo(404);
		assertThat(missing.code()).isEqualTo("plan_not_found");
	}

	@ParameterizedTest
	@ValueSource(strings = { "POST", "PUT", "DELETE", "PATCH" })
	void onlyReadingThePlanCatalogIsPublic(String method) {
		// when
		var list = anonymous.send(method, "/v1/plans", "{}", Map.of());
		var one = anonymous.send(method, "/v1/plans/pro", "{}", Map.of());

		// then
		assertUnauthenticated(list);
		assertUnauthenticated(one);
	}

	@Test
	void unmappedPathWithoutAKeyIsUnauthenticatedNotNotFound() {
		// when
		var response = anonymous.get("/v1/no-such-thing");

		// then
		assertUnauthenticated(response);
	}

	@ParameterizedTest
	@ValueSource(strings = { "Bearer not-a-key", "Bearer ", "Bearer", "Bearer pg_sk_", "Bearer pg_sk_short",
			"Bearer pg_sk_!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", "Token pg_sk_x", "Bearer  ", "bearer" })
	void malformedBearerValueIsRefused(String authorization) {
		// when
		var response = anonymous.send("GET", "/v1/customers", null, Map.of("Authorization", authorization));

		// then
		assertUnauthenticated(response);
	}

	@Test
	void keyWithABadChecksumIsRefused() {
		// given
		var valid = apiKeys.create("checksum").secret();
		var last = valid.charAt(valid.length() - 1);
		var badChecksum = valid.substring(0, valid.length() - 1) + (last == '0' ? '1' : '0');

		// when
		var response = api.withKey(badChecksum).get("/v1/customers");

		// then
		assertUnauthenticated(response);
	}

	@Test
	void wellFormedUnknownKeyIsRefused() {
		// given
		var unknown = ApiKeySecret.generate().text();

		// when
		var response = api.withKey(unknown).get("/v1/customers");

		// then
		assertUnauthenticated(response);
	}

	@Test
	void basicAuthIsRefused() {
		// given
		var valid = apiKeys.create("basic").secret();
		var basic = "Basic " + Base64.getEncoder().encodeToString(("api:" + valid).getBytes());

		// when
		var response = anonymous.send("GET", "/v1/customers", null, Map.of("Authorization", basic));

		// then
		assertUnauthenticated(response);
	}

	@Test
	void keyWithoutTheBearerSchemeIsRefused() {
		// given
		var valid = apiKeys.create("raw").secret();

		// when
		var response = anonymous.send("GET", "/v1/customers", null, Map.of("Authorization", valid));

		// then
		assertUnauthenticated(response);
	}

	@Test
	void keyInTheQueryStringIsNotAccepted() {
		// given
		var valid = apiKeys.create("query").secret();

		// when
		var response = anonymous.get("/v1/customers?api_key=" + valid + "&access_token=" + valid);

		// then
		assertUnauthenticated(response);
	}

	@Test
	void bearerSchemeIsCaseInsensitive() {
		// given
		var valid = apiKeys.create("scheme").secret();

		// when
		var response = anonymous.send("GET", "/v1/customers", null, Map.of("Authorization", "bearer " + valid));

		// then
		assertThat(response.status()).isEqualTo(200);
	}

	@Test
	void refusalDoesNotEchoThePresentedKey() {
		// given
		var unknown = ApiKeySecret.generate().text();

		// when
		var response = api.withKey(unknown).get("/v1/customers");

		// then
		assertThat(response.status()).isEqualTo(401);
		assertThat(response.text()).doesNotContain(unknown).doesNotContain(unknown.substring(12));
	}

	@Test
	void prometheusNeedsAKey() {
		// when
		var response = anonymous.get("/actuator/prometheus");

		// then
		assertUnauthenticated(response);
	}

	@Test
	void prometheusAnswersMetricsInTextFormatWithAKey() {
		// when
		var response = api.get("/actuator/prometheus");

		// then
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("Content-Type")).matches("(text/plain|application/openmetrics-text).*");
		assertThat(response.text()).contains("# HELP", "# TYPE", "jvm_memory_used_bytes");
		assertSecurityHeaders("prometheus", response);
	}

	@Test
	void requestsAreMeasuredOnceNotFilterByFilter() {
		// given
		api.get("/v1/plans");

		// when
		var metrics = api.get("/actuator/prometheus").text();

		// then
		assertThat(metrics).contains("http_server_requests_seconds_count")
			.doesNotContain("spring_security_filterchains")
			.doesNotContain("spring_security_authentications")
			.doesNotContain("spring_security_authorizations")
			// nor counted in flight by a long-task timer besides
			.doesNotContain("http_server_requests_active");
	}

	@Test
	void requestsPublishNoApplicationEventOfTheirOwn() {
		// given
		var handled = new ArrayList<ServletRequestHandledEvent>();
		ApplicationListener<ServletRequestHandledEvent> listener = handled::add;
		context.addApplicationListener(listener);
		try {
			// when
			var response = api.get("/v1/plans");

			// then
			assertThat(response.status()).isEqualTo(200);
			assertThat(handled).isEmpty();
		}
		finally {
			context.removeApplicationListener(listener);
		}
	}

	@Test
	void actuatorInfoNeedsAKey() {
		// when
		var response = anonymous.get("/actuator/info");

		// then
		assertUnauthenticated(response);
	}

	@Test
	void healthIsPublicAndUp() {
		// when
		var health = anonymous.get("/actuator/health");
		var liveness = anonymous.get("/actuator/health/liveness");
		var readiness = anonymous.get("/actuator/health/readiness");

		// then
		for (var response : List.of(health, liveness, readiness)) {
			assertThat(response.status()).as(response.toString()).isEqualTo(200);
			assertThat(response.body().path("status").asString()).isEqualTo("UP");
		}
	}

	@Test
	void publicHealthRevealsNoDetails() {
		// when
		var health = anonymous.get("/actuator/health");

		// then
		assertThat(health.body().has("components")).isFalse();
		assertThat(health.body().has("details")).isFalse();
	}

	private static void assertUnauthenticated(Api.Response response) {
		assertThat(response.status()).as(response.toString()).isEqualTo(401);
		assertThat(response.code()).isEqualTo("unauthenticated");
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.header("WWW-Authenticate")).isEqualTo("Bearer");
		assertSecurityHeaders("401", response);
	}

	private static void assertSecurityHeaders(String kind, Api.Response response) {
		var answer = kind + " (" + response.headers() + " "
				+ response.text().substring(0, Math.min(200, response.text().length())) + ")";
		assertThat(response.header("Strict-Transport-Security")).as("HSTS of " + answer)
			.isNotNull()
			.contains("max-age=31536000")
			.contains("includeSubDomains");
		assertThat(response.header("X-Content-Type-Options")).as("X-Content-Type-Options of " + answer)
			.isEqualTo("nosniff");
		assertThat(response.header("X-Frame-Options")).as("X-Frame-Options of " + answer).isEqualTo("DENY");
		assertThat(response.header("Content-Security-Policy")).as("CSP of " + answer)
			.isNotNull()
			.contains("frame-ancestors 'none'");
		assertThat(response.header("Referrer-Policy")).as("Referrer-Policy of " + answer).isEqualTo("no-referrer");
		assertThat(response.header("Server")).as("Server of " + answer).isNull();
	}

	/** A path of the API document with a sample value for each variable. */
	private static String sample(String template) {
		Matcher matcher = PATH_VARIABLE.matcher(template);
		var out = new StringBuilder();
		while (matcher.find()) {
			String value = switch (matcher.group(1)) {
				case "id" -> template.startsWith("/v1/api-keys") || template.startsWith("/v1/me/")
						? "00000000-0000-0000-0000-000000000001" : "sample-customer";
				case "accountId" -> "00000000-0000-0000-0000-000000000001";
				case "key" -> "pro";
				case "feature" -> "seats";
				case "version" -> "1";
				default -> "sample";
			};
			matcher.appendReplacement(out, value);
		}
		matcher.appendTail(out);
		return out.toString();
	}

}

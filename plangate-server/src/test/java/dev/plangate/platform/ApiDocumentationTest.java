package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;

import java.net.URI;

import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

class ApiDocumentationTest extends ServerTest {

	private static final List<String> CONTROLLER_PATHS = List.of("/v1/plans", "/v1/plans/{key}", "/v1/features",
			"/v1/features/{key}", "/v1/customers", "/v1/customers/{id}", "/v1/customers/{id}/suspend",
			"/v1/customers/{id}/activate", "/v1/customers/{id}/subscription", "/v1/customers/{id}/subscription/resume",
			"/v1/customers/{id}/subscription/history", "/v1/customers/{id}/entitlements",
			"/v1/customers/{id}/overrides", "/v1/customers/{id}/overrides/{feature}", "/v1/api-keys",
			"/v1/api-keys/{id}", "/v1/admin/plans", "/v1/admin/plans/{key}", "/v1/admin/plans/{key}/versions",
			"/v1/admin/plans/{key}/archive", "/v1/admin/plans/{key}/activate", "/v1/admin/plans/{key}/migrations",
			"/v1/admin/audit-events", "/v1/customer-tokens", "/v1/me/subscription", "/v1/me/usage",
			"/.well-known/jwks.json");

	@Autowired
	@Qualifier("requestMappingHandlerMapping")
	RequestMappingHandlerMapping mappings;

	@Autowired
	PlatformSettings settings;

	@Test
	void apiDocumentIsPublicJson() {
		// when
		var response = anonymous.get("/v3/api-docs");

		// then
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("Content-Type")).startsWith("application/json");
		assertThat(response.body().path("openapi").asString()).startsWith("3.");
		assertThat(response.body().path("paths").isObject()).isTrue();
	}

	@Test
	void apiDocumentListsTheControllerPaths() {
		// when
		var paths = documentedPaths();

		// then
		assertThat(paths).containsAll(CONTROLLER_PATHS);
	}

	@Test
	void apiDocumentListsEveryMappedOperation() {
		// given: every operation Plangate's own controllers map, but the console's pages
		var mapped = new TreeSet<String>();
		mappings.getHandlerMethods().forEach((info, method) -> {
			if (method.getBeanType().getPackageName().startsWith("dev.plangate")
					&& !method.getBeanType().getPackageName().startsWith("dev.plangate.console")
					&& !method.getBeanType().getSimpleName().equals("ProblemErrorController")) {
				for (var pattern : info.getPatternValues()) {
					for (var verb : info.getMethodsCondition().getMethods()) {
						mapped.add(verb.name() + " " + pattern);
					}
				}
			}
		});
		assertThat(mapped).as("mapped operations").hasSizeGreaterThan(20);

		// when
		var documented = documentedOperations();

		// then
		assertThat(documented).containsAll(mapped);
	}

	@Test
	void everyOperationHasASummary() {
		// given
		var docs = anonymous.get("/v3/api-docs").body();

		// when
		var withoutSummary = new ArrayList<String>();
		docs.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
			if (operation.getValue().path("summary").asString("").isBlank()) {
				withoutSummary.add(operation.getKey().toUpperCase() + " " + path.getKey());
			}
		}));

		// then
		assertThat(withoutSummary).as("operations without a summary").isEmpty();
	}

	@Test
	void everyOperationTakingInputDocumentsItsBadInputAnswers() {
		// given
		var docs = anonymous.get("/v3/api-docs").body();

		// when
		var undocumented = new ArrayList<String>();
		docs.path("paths").properties().forEach(path -> path.getValue().properties().forEach(operation -> {
			var spec = operation.getValue();
			var responses = spec.path("responses");
			String name = operation.getKey().toUpperCase() + " " + path.getKey();
			if ((spec.has("requestBody") || !spec.path("parameters").isEmpty())
					&& !responses.path("400").path("content").has("application/problem+json")) {
				undocumented.add(name + " 400");
			}
			if (spec.has("requestBody") && !responses.path("415").path("content").has("application/problem+json")) {
				undocumented.add(name + " 415");
			}
		}));

		// then
		assertThat(undocumented).as("operations without their bad-input answers").isEmpty();
		assertThat(docs.path("components").path("schemas").path("Problem").path("properties").has("code")).isTrue();
	}

	@Test
	void swaggerUiIsServedAsHtmlWithAPolicyAllowingItsOwnScripts() {
		// when
		var response = anonymous.get("/swagger-ui/index.html");

		// then
		assertThat(response.status()).isEqualTo(200);
		assertThat(response.header("Content-Type")).startsWith("text/html");
		assertThat(response.text()).containsIgnoringCase("swagger");
		assertThat(response.header("Content-Security-Policy")).contains("default-src 'self'")
			.doesNotContain("'unsafe-eval'")
			.doesNotContain("script-src 'none'");
	}

	@Test
	void swaggerUiScriptsComeFromThisOriginAndAreServed() {
		// given
		var page = anonymous.get("/swagger-ui/index.html").text();
		var scripts = Pattern.compile("<script[^>]*\\bsrc=\"([^\"]+)\"")
			.matcher(page)
			.results()
			.map(m -> m.group(1))
			.toList();
		assertThat(scripts).isNotEmpty().allMatch(src -> !src.contains("//"));

		// when / then
		for (var src : scripts) {
			var script = anonymous.get(URI.create("/swagger-ui/index.html").resolve(src).getPath());
			assertThat(script.status()).as(src).isEqualTo(200);
		}
		assertThat(Pattern.compile("<script(?![^>]*\\bsrc=)[^>]*>\\s*\\S").matcher(page).find())
			.as("inline scripts, which the policy would block")
			.isFalse();
	}

	@Test
	void swaggerUiFindsItsConfiguration() {
		// when
		var config = anonymous.get("/v3/api-docs/swagger-config");

		// then
		assertThat(config.status()).isEqualTo(200);
		assertThat(config.body().path("url").asString()).isEqualTo("/v3/api-docs");
	}

	@Test
	void swaggerUiShortcutLeadsToTheUi() {
		// when
		var response = anonymous.get("/swagger-ui.html");

		// then
		assertThat(response.status()).isIn(301, 302, 307, 308);
		assertThat(response.header("Location")).contains("/swagger-ui/index.html");
	}

	@Test
	void domainErrorIsAProblemWithEveryMember() {
		// given
		var id = uniqueId("nobody");

		// when
		var response = api.get("/v1/customers/" + id);

		// then
		assertProblem(response, 404, "customer_not_found", "/v1/customers/" + id);
	}

	@Test
	void validationErrorIsAProblemWithEveryMember() {
		// when
		var response = api.post("/v1/api-keys", "{}");

		// then
		assertProblem(response, 400, "invalid_request", "/v1/api-keys");
		assertThat(response.body().path("errors").get(0).path("field").asString()).isEqualTo("name");
	}

	@Test
	void malformedJsonIsAProblemWithEveryMember() {
		// given
		var id = uniqueId("broken");

		// when
		var response = api.put("/v1/customers/" + id, "{\"name\":");

		// then
		assertProblem(response, 400, "malformed_json", "/v1/customers/" + id);
	}

	@Test
	void unmappedPathIsAProblemWithEveryMember() {
		// when
		var response = api.get("/v1/no-such-resource");

		// then
		assertProblem(response, 404, "not_found", "/v1/no-such-resource");
	}

	@Test
	void unauthenticatedRequestIsAProblemWithEveryMember() {
		// when
		var response = anonymous.get("/v1/customers");

		// then
		assertProblem(response, 401, "unauthenticated", "/v1/customers");
	}

	@Test
	void unsupportedMediaTypeIsRefusedAsAProblem() {
		// given
		var id = uniqueId("text");

		// when
		var response = raw("PUT", "/v1/customers/" + id, "text/plain", BodyPublishers.ofString("name=x"), Map.of());

		// then
		assertProblem(response, 415, "unsupported_media_type", "/v1/customers/" + id);
		assertThat(api.get("/v1/customers/" + id).status()).as("nothing created").isEqualTo(404);
	}

	@Test
	void formEncodedBodyIsRefusedAsUnsupportedMediaType() {
		// when
		var response = raw("POST", "/v1/api-keys", "application/x-www-form-urlencoded",
				BodyPublishers.ofString("name=form"), Map.of());

		// then
		assertProblem(response, 415, "unsupported_media_type", "/v1/api-keys");
	}

	@Test
	void wrongMethodIsRefusedAsAProblem() {
		// when
		var response = api.delete("/v1/plans");

		// then
		assertProblem(response, 405, "method_not_allowed", "/v1/plans");
		assertThat(response.header("Allow")).contains("GET");
	}

	@Test
	void unacceptableMediaTypeIsRefusedAsAProblem() {
		// when
		var response = api.send("GET", "/v1/customers", null, Map.of("Accept", "text/csv"));

		// then
		assertProblem(response, 406, "not_acceptable", "/v1/customers");
	}

	@ParameterizedTest(name = "{0} names {1}")
	@CsvSource({ "/v1/plans/PRO, key", "/v1/plans/pro?version=0, version", "/v1/features/Bad-Key, key",
			"/v1/customers/has%20space, id", "/v1/customers?limit=0, limit", "/v1/customers?limit=201, limit",
			"/v1/customers?status=gone, status", "/v1/customers?plan=Not-A-Key, plan",
			"/v1/admin/audit-events?limit=501, limit", "/v1/admin/audit-events?cursor=0, cursor",
			"/v1/admin/plans/Bad-Key/versions, key" })
	void invalidParameterIsABadRequestNamingIt(String path, String field) {
		// when
		var response = api.get(path);

		// then
		assertProblem(response, 400, "invalid_request", null);
		assertThat(response.body().path("errors").valueStream().map(e -> e.path("field").asString())).contains(field);
	}

	@Test
	void customerIdLongerThan200CharactersIsABadRequestNamingIt() {
		// given
		var id = "x".repeat(201);

		// when
		var read = api.get("/v1/customers/" + id);
		var history = api.get("/v1/customers/" + id + "/subscription/history");

		// then
		for (var response : List.of(read, history)) {
			assertProblem(response, 400, "invalid_request", null);
			assertThat(response.body().path("errors").get(0).path("field").asString()).isEqualTo("id");
		}
	}

	@Test
	void invalidParameterOfThePublicCatalogIsABadRequestForAnonymousCallers() {
		// when
		var response = anonymous.get("/v1/plans/NOT_A_KEY");

		// then
		assertProblem(response, 400, "invalid_request", "/v1/plans/NOT_A_KEY");
	}

	@ParameterizedTest
	@CsvSource({ "/v1/customers?limit=many, limit", "/v1/plans/pro?version=latest, version",
			"/v1/admin/audit-events?cursor=abc, cursor" })
	void wronglyTypedParameterIsABadRequestNamingIt(String path, String field) {
		// when
		var response = api.get(path);

		// then
		assertProblem(response, 400, "invalid_request", null);
		assertThat(response.body().path("errors").get(0).path("field").asString()).isEqualTo(field);
	}

	@Test
	void fieldValueOverTwoMegabytesIsRefusedWithoutAServerError() {
		// given
		var id = uniqueId("huge");
		var body = "{\"metadata\":{\"blob\":\"" + "x".repeat(3 * 1024 * 1024) + "\"}}";

		// when
		var response = api.put("/v1/customers/" + id, body);

		// then
		assertThat(response.status()).as(abbreviated(response)).isBetween(400, 499);
		assertThat(response.code()).as(abbreviated(response)).isNotBlank();
		assertThat(api.get("/v1/customers/" + id).status()).as("nothing stored").isEqualTo(404);
	}

	@Test
	void nameOverTwoMegabytesIsRefusedWithoutAServerError() {
		// when
		var response = api.post("/v1/api-keys", "{\"name\":\"" + "n".repeat(3 * 1024 * 1024) + "\"}");

		// then
		assertThat(response.status()).as(abbreviated(response)).isBetween(400, 499);
		assertThat(response.code()).as(abbreviated(response)).isNotBlank();
	}

	@Test
	void bodyOverTheConfiguredLimitIsRefusedAsTooLarge() {
		// given: a valid request, padded with whitespace past the limit
		var body = padded("{\"name\":\"padded\"}", settings.maxRequestSize().toBytes() + 1);
		int before = api.get("/v1/api-keys").body().path("data").size();

		// when
		var response = api.post("/v1/api-keys", body);

		// then
		assertProblem(response, 413, "payload_too_large", "/v1/api-keys");
		assertThat(api.get("/v1/api-keys").body().path("data").size()).as("no key created").isEqualTo(before);
	}

	@Test
	void chunkedBodyOverTheConfiguredLimitIsRefusedAsTooLarge() {
		// given: no Content-Length, so the size is known only while reading
		var body = padded("{\"name\":\"chunked\"}", settings.maxRequestSize().toBytes() + 1);

		// when
		var response = raw("POST", "/v1/api-keys", "application/json", chunked(body), Map.of());

		// then
		assertProblem(response, 413, "payload_too_large", "/v1/api-keys");
	}

	@Test
	void chunkedBodyOverTheConfiguredLimitWithAnIdempotencyKeyIsRefusedAsTooLarge() {
		// given
		var body = padded("{\"name\":\"chunked\"}", settings.maxRequestSize().toBytes() + 1);

		// when
		var response = raw("POST", "/v1/api-keys", "application/json", chunked(body),
				Map.of("Idempotency-Key", uniqueId("big")));

		// then
		assertProblem(response, 413, "payload_too_large", "/v1/api-keys");
	}

	@Test
	void bodyJustUnderTheConfiguredLimitIsAccepted() {
		// given
		var body = padded("{\"name\":\"just under\"}", settings.maxRequestSize().toBytes());

		// when
		var response = api.post("/v1/api-keys", body);

		// then
		assertThat(response.status()).as(abbreviated(response)).isEqualTo(201);
	}

	private static void assertProblem(Api.Response response, int status, String code, @Nullable String instance) {
		assertThat(response.status()).as(abbreviated(response)).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		var body = response.body();
		assertThat(body.path("type").asString()).startsWith("https://plangate.dev/problems/");
		assertThat(body.path("title").asString()).isNotBlank();
		assertThat(body.path("status").asInt()).isEqualTo(status);
		assertThat(body.path("detail").asString()).isNotBlank();
		assertThat(body.path("code").asString()).isEqualTo(code);
		assertThat(body.path("instance").asString()).as("instance").isNotBlank();
		if (instance != null) {
			assertThat(body.path("instance").asString()).isEqualTo(instance);
		}
	}

	private TreeSet<String> documentedPaths() {
		var paths = new TreeSet<String>();
		anonymous.get("/v3/api-docs").body().path("paths").properties().forEach(p -> paths.add(p.getKey()));
		return paths;
	}

	private TreeSet<String> documentedOperations() {
		var operations = new TreeSet<String>();
		anonymous.get("/v3/api-docs")
			.body()
			.path("paths")
			.properties()
			.forEach(p -> p.getValue()
				.properties()
				.forEach(o -> operations.add(o.getKey().toUpperCase() + " " + p.getKey())));
		return operations;
	}

	/** {@code json} followed by spaces up to {@code size} bytes. */
	private static String padded(String json, long size) {
		return json + " ".repeat((int) (size - json.length()));
	}

	private static BodyPublisher chunked(String body) {
		var bytes = body.getBytes(StandardCharsets.UTF_8);
		return BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(bytes));
	}

	/**
	 * A request with a fresh key whose Content-Type and body are exactly as given (the
	 * {@link Api} client always says JSON and always declares the length).
	 */
	private Api.Response raw(String method, String path, String contentType, BodyPublisher body,
			Map<String, String> headers) {
		var all = new LinkedHashMap<String, String>(headers);
		all.put("Content-Type", contentType);
		return api.withKey(apiKeys.create("raw client").secret()).sendRaw(method, path, body, all);
	}

	private static String abbreviated(Api.Response response) {
		var text = response.text();
		return response.status() + " " + (text.length() > 500 ? text.substring(0, 500) + "…" : text);
	}

}

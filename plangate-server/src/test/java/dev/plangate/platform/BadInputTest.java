package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;

import java.net.http.HttpRequest.BodyPublishers;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.plangate.support.Api;
import dev.plangate.support.ServerTest;

/**
 * Bad input is a 4xx problem naming what is wrong, never a 500, and changes nothing.
 */
class BadInputTest extends ServerTest {

	private static final String CLASS_NAMES = "dev\\.plangate\\.|tools\\.jackson|java\\.lang|org\\.springframework";

	@ParameterizedTest
	@ValueSource(strings = { "*/*", "multipart/form-data", "application/*", "text/plain", "application/xml" })
	void bodyOfAnUnsupportedMediaTypeIsRefusedWith415(String contentType) {
		// given
		var id = uniqueId("media");

		// when
		var customer = raw("PUT", "/v1/customers/" + id, contentType, "{\"name\":\"x\"}", true);
		var login = raw("POST", "/v1/auth/login", contentType, "{\"login\":\"a\",\"password\":\"b\"}", false);

		// then
		for (var response : List.of(customer, login)) {
			assertProblem(response, 415, "unsupported_media_type");
		}
		assertThat(api.get("/v1/customers/" + id).status()).as("nothing created").isEqualTo(404);
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/json; charset=latin1", "application/json;charset=ISO-8859-1",
			"application/json; charset=utf-16", "application/json; charset=\"windows-1252\"",
			"application/json; charset=no-such-charset" })
	void bodyInAnotherCharsetThanUtf8IsRefusedWith415(String contentType) {
		// given
		var id = uniqueId("charset");

		// when
		var response = raw("PUT", "/v1/customers/" + id, contentType, "{\"name\":\"caf\u00e9\"}", true);

		// then
		assertProblem(response, 415, "unsupported_media_type");
		assertThat(response.body().path("errors").get(0).path("field").asString()).isEqualTo("Content-Type");
		assertThat(api.get("/v1/customers/" + id).status()).as("nothing created").isEqualTo(404);
	}

	@ParameterizedTest
	@ValueSource(strings = { "application/json; charset=UTF-8", "application/json;charset=utf-8",
			"application/json; charset=\"utf-8\"", "application/json; charset=US-ASCII" })
	void bodyInUtf8IsRead(String contentType) {
		// given
		var id = uniqueId("utf8");

		// when
		var response = raw("PUT", "/v1/customers/" + id, contentType, "{\"name\":\"x\"}", true);

		// then
		assertThat(response.status()).as(response.toString()).isIn(200, 201);
	}

	@ParameterizedTest
	@CsvSource({ "/v1/customers?q=%ff, q", "/v1/admin/audit-events?targetId=%c3%28, targetId",
			"/v1/batches?customerId=%ff, customerId", "/v1/admin/mail-outbox?to=%e2%82, to",
			"/v1/customers?%ff=1, (query)" })
	void queryParameterWithInvalidPercentEncodingIsABadRequestNamingIt(String path, String field) {
		// when
		var response = api.get(path);

		// then
		assertProblem(response, 400, "invalid_request");
		assertThat(response.body().path("errors").get(0).path("field").asString()).isEqualTo(field);
	}

	@ParameterizedTest
	@CsvSource({ "/v1/customers?q=a%zz, q", "/v1/customers?q=%f, q" })
	void malformedPercentEncodingIsABadRequestNamingIt(String path, String field) throws IOException {
		// when: sent as is (java.net.URI would refuse to)
		var response = rawSocket("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + api.key()
				+ "\r\nConnection: close\r\n\r\n");

		// then
		assertThat(response).startsWith("HTTP/1.1 400")
			.containsIgnoringCase("content-type: application/problem+json")
			.contains("\"code\":\"invalid_request\"")
			.containsIgnoringCase("content-security-policy: default-src 'none'");
		assertThat(response).contains("\"field\":\"" + field + "\"");
	}

	@ParameterizedTest
	@CsvSource({ "/v1/customers?q=a%00b, q", "/v1/customers?q=a%07b, q", "/v1/customers?q=a%0Ab, q",
			"/v1/customers?q=a%7Fb, q", "/v1/customers/a%01b, (path)", "/v1/customers/a%0Ab/usage, (path)" })
	void controlCharacterInTheQueryOrPathIsABadRequestNamingIt(String path, String field) {
		// when
		var response = api.get(path);

		// then
		assertProblem(response, 400, "invalid_request");
		assertThat(response.body().path("errors").get(0).path("field").asString()).isEqualTo(field);
	}

	@Test
	void nulInTheLoginIsABadRequestNamingTheField() {
		// when
		var response = anonymous.post("/v1/auth/login", "{\"login\":\"a\\u0000b\",\"password\":\"secret\"}");

		// then
		assertProblem(response, 400, "invalid_request");
		assertThat(response.body().path("errors").get(0).path("field").asString()).isEqualTo("login");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|',
			value = { "{\"name\":\"a\\u0000b\"}|name", "{\"name\":\"bell\\u0007\"}|name",
					"{\"name\":\"del\\u007f\"}|name", "{\"metadata\":{\"note\":\"a\\u0000b\"}}|metadata.note",
					"{\"metadata\":{\"a\\u0000b\":1}}|metadata",
					"{\"metadata\":{\"list\":[\"ok\",\"\\u0001\"]}}|metadata.list[1]",
					"{\"metadata\":{\"deep\":{\"k\\u001fey\":true}}}|metadata.deep" })
	void controlCharacterInAJsonStringIsABadRequestNamingTheFieldAndStoresNothing(String body, String field) {
		// given
		var id = uniqueId("nul");

		// when
		var response = api.put("/v1/customers/" + id, body);

		// then
		assertProblem(response, 400, "invalid_request");
		assertThat(response.body().path("errors").get(0).path("field").asString()).startsWith(field);
		assertThat(api.get("/v1/customers/" + id).status()).as("nothing stored").isEqualTo(404);
	}

	@Test
	void nulInAnOverrideReasonOrAnOpaquePayloadIsABadRequestNamingTheField() {
		// given
		var customer = newCustomer("reason");

		// when
		var override = api.put("/v1/customers/" + customer + "/overrides/api_calls",
				"{\"value\":{\"limit\":5},\"reason\":\"deal\\u0000\"}");
		var overrideValue = api.put("/v1/customers/" + customer + "/overrides/api_calls",
				"{\"value\":{\"limit\":5,\"note\":\"x\\u0000\"}}");
		var batch = api.post("/v1/batches", "{\"customerId\":\"" + customer
				+ "\",\"operations\":[{\"type\":\"t\",\"payload\":{\"k\":\"a\\u0000\"}}]}");

		// then
		assertProblem(override, 400, "invalid_request");
		assertThat(override.body().path("errors").get(0).path("field").asString()).isEqualTo("reason");
		assertProblem(overrideValue, 400, "invalid_request");
		assertThat(overrideValue.body().path("errors").get(0).path("field").asString()).isEqualTo("value.note");
		assertProblem(batch, 400, "invalid_request");
		assertThat(batch.body().path("errors").get(0).path("field").asString()).isEqualTo("operations[0].payload.k");
		assertThat(api.get("/v1/customers/" + customer + "/overrides").body().path("data").size()).as("no override")
			.isZero();
	}

	@Test
	void tabAndNewlineInFreeTextAreKept() {
		// given
		var id = uniqueId("text");

		// when
		var response = api.put("/v1/customers/" + id, "{\"name\":\"two\\nlines\\tand a tab\"}");

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(201);
		assertThat(response.body().path("name").asString()).isEqualTo("two\nlines\tand a tab");
	}

	@ParameterizedTest
	@ValueSource(strings = { "[]", "\"text\"", "42", "{\"metadata\":[1]}", "{\"name\":{}}" })
	void wronglyShapedBodyIsExplainedWithoutClassNames(String body) {
		// when
		var response = api.put("/v1/customers/" + uniqueId("shape"), body);

		// then
		assertThat(response.status()).as(response.toString()).isEqualTo(400);
		assertThat(response.code()).isIn("malformed_json", "invalid_request");
		assertThat(response.text()).doesNotContainPattern(CLASS_NAMES);
	}

	@Test
	void malformedJsonNamesTheLineAndColumn() {
		// when
		var response = api.put("/v1/customers/" + uniqueId("broken"), "{\n\"name\": tru}");

		// then
		assertProblem(response, 400, "malformed_json");
		assertThat(response.body().path("detail").asString()).contains("line 2").contains("column");
		assertThat(response.text()).doesNotContainPattern(CLASS_NAMES);
	}

	@ParameterizedTest
	@CsvSource({ "Accept, foo", "Accept, 'application/json;q=x'", "Content-Type, foo" })
	void unparseableMediaTypeHeaderIsAClientError(String header, String value) {
		// when
		var response = raw("PUT", "/v1/customers/" + uniqueId("hdr"), header.equals("Content-Type") ? value : null,
				"{}", true, Map.of(header.equals("Accept") ? "Accept" : "X-Unused", value));

		// then
		assertThat(response.status()).as(response.toString()).isBetween(400, 499);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.code()).isNotBlank();
	}

	@Test
	void unacceptableAcceptIsRefusedBeforeAnythingIsDone() {
		// given
		int before = api.get("/v1/api-keys").body().path("data").size();

		// when
		var response = api.send("POST", "/v1/api-keys", "{\"name\":\"csv\"}", Map.of("Accept", "text/csv"));

		// then
		assertProblem(response, 406, "not_acceptable");
		assertThat(api.get("/v1/api-keys").body().path("data").size()).as("no key created").isEqualTo(before);
	}

	@Test
	void requestLineOverTheLimitIsAProblemWithTheSecurityHeaders() throws IOException {
		// when
		var response = rawSocket("GET /v1/plans?q=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");

		// then
		assertThat(response).startsWith("HTTP/1.1 400");
		assertThat(response).containsIgnoringCase("content-type: application/problem+json")
			.containsIgnoringCase("content-security-policy: default-src 'none'")
			.containsIgnoringCase("x-content-type-options: nosniff")
			.contains("\"code\":\"invalid_request\"");
	}

	@ParameterizedTest
	@ValueSource(strings = { "GET /v1/plans?a=b|c HTTP/1.1", "GET /v1/pl\"ans HTTP/1.1", "GET /v1/plans HTTP/9.9",
			"BAD\u0001 /v1/plans HTTP/1.1", "GET /v1/customers/a%zz HTTP/1.1" })
	void requestLineTheContainerRefusesIsAProblemWithTheSecurityHeaders(String requestLine) throws IOException {
		// when
		var response = rawSocket(requestLine + "\r\nHost: localhost\r\n\r\n");

		// then
		assertThat(response).matches("(?s)HTTP/1.1 (400|505).*");
		assertThat(response).containsIgnoringCase("content-type: application/problem+json")
			.containsIgnoringCase("content-security-policy: default-src 'none'")
			.contains("\"code\":\"");
	}

	private String rawSocket(String request) throws IOException {
		try (var socket = new Socket("127.0.0.1", port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

	private static void assertProblem(Api.Response response, int status, String code) {
		assertThat(response.status()).as(response.toString()).isEqualTo(status);
		assertThat(response.header("Content-Type")).startsWith("application/problem+json");
		assertThat(response.code()).isEqualTo(code);
		assertThat(response.header("Content-Security-Policy")).contains("default-src 'none'");
		assertThat(response.text()).doesNotContainPattern(CLASS_NAMES);
	}

	private Api.Response raw(String method, String path, String contentType, String body, boolean withKey) {
		return raw(method, path, contentType, body, withKey, Map.of());
	}

	/** A request whose Content-Type is exactly as given (or absent). */
	private Api.Response raw(String method, String path, String contentType, String body, boolean withKey,
			Map<String, String> headers) {
		var all = new LinkedHashMap<String, String>(headers);
		if (contentType != null) {
			all.put("Content-Type", contentType);
		}
		return (withKey ? api : anonymous).sendRaw(method, path, BodyPublishers.ofString(body), all);
	}

}

package dev.plangate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import dev.plangate.identity.token.AccessTokens;
import dev.plangate.support.Api;
import dev.plangate.support.FreshDatabase;
import dev.plangate.support.FreshSchema;
import dev.plangate.support.ServerTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every operation of the server's own API document, sent generated requests: valid-ish
 * ones and ones broken in every way a caller can break them (media types, malformed JSON,
 * wrong types, missing fields, control characters, bad percent-encoding, over-long
 * values, unknown ids, huge numbers). None may answer a 5xx; every refusal is a problem
 * with a {@code code}, names no server class, carries the security headers and changes
 * nothing. The seed is fixed, so a failure replays; it runs on a database of its own,
 * since valid-ish requests change things.
 */
@FreshSchema
class BadInputFuzzTest extends ServerTest {

	private static final long SEED = 0x5EED_2026_1203L;

	private static final int CASES_PER_OPERATION = 12;

	private static final Pattern CLASS_NAMES = Pattern
		.compile("dev\\.plangate\\.|tools\\.jackson|com\\.fasterxml|java\\.lang|org\\.springframework|org\\.apache");

	/**
	 * The tables a request writes while it is handled (nothing of them is written later).
	 */
	private static final List<String> TABLES = List.of("customer", "customer_override", "subscription",
			"subscription_change", "plan", "plan_version", "feature", "usage_event", "usage_grant", "batch",
			"batch_operation", "batch_ready", "api_key", "account", "membership", "invitation", "personal_api_key",
			"audit_event");

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final List<String> MEDIA_TYPES = List.of("*/*", "multipart/form-data", "text/plain",
			"application/xml", "application/json; charset=latin1", "application/x-www-form-urlencoded", "application/*",
			"multipart/form-data; boundary=x", "application/json; charset=nonsense", "not a media type");

	private static final List<String> BROKEN_JSON = List.of("{", "{\"a\":", "[", "nul", "{}}", "{\"a\" 1}", "'x'",
			"{\"a\":tru}", "\u0000", "{\"a\":\"\\u12\"}", "{\"a\":01}", "\"\\ud800\"", "{\"a\":[1,]}", "   ",
			"{\"a\":\"\u0001\"}");

	private static final List<String> CONTROL = List.of("a\u0000b", "\u0000", "x\u0001", "\u007f", "\u001b[31m",
			"line\u000bbreak");

	private static final List<String> BAD_ENCODINGS = List.of("%ff", "a%c3%28", "%e2%82", "%00", "a%01b", "%7f",
			"%c0%80", "%ed%a0%80");

	private static final List<String> HUGE_NUMBERS = List.of("1e400", "-1e400", "99999999999999999999999999",
			"9223372036854775808", "-9223372036854775809", "2147483648", "-1", "0", "1.5", "1e-400");

	@DynamicPropertySource
	static void database(DynamicPropertyRegistry registry) {
		FreshDatabase.register(registry, "bad_input_fuzz");
	}

	@Autowired
	AccessTokens accessTokens;

	@Autowired
	JdbcClient jdbc;

	private final HttpClient http = HttpClient.newBuilder()
		.version(HttpClient.Version.HTTP_1_1)
		.connectTimeout(Duration.ofSeconds(5))
		.build();

	private String customer;

	private String userToken;

	private JsonNode docs;

	enum Mutation {

		NONE, MEDIA_TYPE, MALFORMED_JSON, WRONG_TYPE, MISSING_REQUIRED, CONTROL_CHARACTERS, BAD_QUERY_ENCODING,
		BAD_PATH_ENCODING, OVER_LONG, UNKNOWN_IDS, HUGE_NUMBER, BAD_ACCEPT

	}

	record Operation(String method, String path, JsonNode spec) {

		@Override
		public String toString() {
			return method + " " + path;
		}

	}

	record Request(String method, String target, @Nullable String contentType, @Nullable String body,
			Map<String, String> headers, Mutation mutation) {

		@Override
		public String toString() {
			String shown = body == null ? "" : " " + (body.length() > 300 ? body.substring(0, 300) + "…" : body);
			return mutation + ": " + method + " " + (target.length() > 300 ? target.substring(0, 300) + "…" : target)
					+ (contentType == null ? "" : " [" + contentType + "]") + shown;
		}

	}

	record Answer(int status, String text, HttpResponse<?> raw) {

		@Nullable String header(String name) {
			return raw.headers().firstValue(name).orElse(null);
		}

	}

	@Test
	void everyOperationAnswersBadInputWithAProblemAndChangesNothing() {
		// given: the API document, a customer, and a token for the end user's views
		docs = anonymous.get("/v3/api-docs").body();
		customer = newCustomer("fuzz");
		userToken = accessTokens
			.issueAccountToken(UUID.randomUUID().toString(), customer, List.of("user"), null, UUID.randomUUID())
			.token();
		var operations = operations();
		assertThat(operations).as("documented operations").hasSizeGreaterThan(80);

		// when
		var failures = new ArrayList<String>();
		int sent = 0;
		for (var operation : operations) {
			var random = new Random(SEED ^ operation.toString().hashCode());
			for (int n = 0; n < CASES_PER_OPERATION; n++) {
				var mutation = n == 0 ? Mutation.NONE : Mutation.values()[random.nextInt(Mutation.values().length)];
				var request = request(operation, mutation, random);
				boolean write = !operation.method().equals("GET");
				var before = write ? snapshot() : null;
				sent++;
				try {
					check(operation, request, send(request), before, failures);
				}
				catch (IllegalStateException ex) {
					failures.add("no answer (" + ex.getCause() + ") — " + request);
				}
			}
		}

		// then
		assertThat(sent).isEqualTo(operations.size() * CASES_PER_OPERATION);
		assertThat(failures).as("requests answered wrongly (seed " + SEED + ")").isEmpty();
	}

	private void check(Operation operation, Request request, Answer answer, @Nullable Map<String, Object> before,
			List<String> failures) {
		var wrong = new ArrayList<String>();
		if (answer.status() >= 500) {
			wrong.add("answered " + answer.status());
		}
		String type = String.valueOf(answer.header("Content-Type"));
		if (answer.status() >= 400) {
			if (!type.startsWith("application/problem+json")) {
				wrong.add("answered " + answer.status() + " as " + type);
			}
			else {
				var code = JSON.readTree(answer.text()).path("code").asString("");
				if (code.isBlank()) {
					wrong.add("a problem without a code");
				}
				var listed = operation.spec()
					.path("responses")
					.path(String.valueOf(answer.status()))
					.path(OpenApiConfiguration.CODES);
				if (!listed.isArray()) {
					wrong.add("answered " + answer.status() + " `" + code + "`, a status the document does not list");
				}
				else if (listed.valueStream().noneMatch(c -> c.asString().equals(code))) {
					wrong.add("answered " + answer.status() + " `" + code + "`, which the document does not list "
							+ listed);
				}
			}
		}
		if (CLASS_NAMES.matcher(answer.text()).find()) {
			wrong.add("a class name in the answer");
		}
		if (!"nosniff".equals(answer.header("X-Content-Type-Options"))
				|| answer.header("Content-Security-Policy") == null || answer.header("X-Frame-Options") == null) {
			wrong.add("no security headers");
		}
		if (before != null && answer.status() >= 400) {
			var after = snapshot();
			if (!after.equals(before)) {
				wrong.add("refused, yet changed " + difference(before, after));
			}
		}
		if (!wrong.isEmpty()) {
			String text = answer.text().length() > 400 ? answer.text().substring(0, 400) + "…" : answer.text();
			failures.add(String.join(", ", wrong) + " — " + request + " → " + answer.status() + " " + text);
		}
	}

	private List<Operation> operations() {
		var operations = new ArrayList<Operation>();
		new TreeMap<>(
				docs.path("paths").propertyStream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
			.forEach((path, item) -> item.properties().forEach(op -> {
				if (List.of("get", "put", "post", "delete", "patch").contains(op.getKey())) {
					operations.add(new Operation(op.getKey().toUpperCase(), path, op.getValue()));
				}
			}));
		return operations;
	}

	// requests

	private Request request(Operation operation, Mutation mutation, Random random) {
		var pathValues = new LinkedHashMap<String, String>();
		var query = new LinkedHashMap<String, String>();
		var headers = new LinkedHashMap<String, String>();
		for (var parameter : parameters(operation)) {
			String name = parameter.path("name").asString();
			var schema = resolve(parameter.path("schema"));
			switch (parameter.path("in").asString()) {
				case "path" -> pathValues.put(name, encode(pathValue(operation, name, schema, random)));
				case "query" -> {
					if (parameter.path("required").asBoolean(false) || random.nextBoolean()) {
						query.put(name, encode(scalarText(name, schema, random)));
					}
				}
				default -> {
				}
			}
		}
		var bodySchema = bodySchema(operation);
		JsonNode body = bodySchema == null ? null : value("", bodySchema, random, 0);
		String text = body == null ? null : JSON.writeValueAsString(body);
		String contentType = body == null ? null : "application/json";

		switch (mutation) {
			case NONE -> {
			}
			case MEDIA_TYPE -> {
				contentType = pick(MEDIA_TYPES, random);
				text = text == null ? "{}" : text;
			}
			case MALFORMED_JSON -> {
				contentType = "application/json";
				text = text != null && random.nextBoolean() && text.length() > 2
						? text.substring(0, 1 + random.nextInt(text.length() - 1)) : pick(BROKEN_JSON, random);
			}
			case WRONG_TYPE -> {
				if (body != null) {
					text = JSON.writeValueAsString(replaceLeaf(body, random, n -> wrongTyped(n, random)));
				}
				else if (!query.isEmpty()) {
					query.replaceAll((k, v) -> random.nextBoolean() ? "not-a-number" : "%7B%7D");
				}
			}
			case MISSING_REQUIRED -> {
				if (body instanceof ObjectNode object) {
					var copy = object.deepCopy();
					var required = bodySchema.path("required").valueStream().map(JsonNode::asString).toList();
					if (required.isEmpty() || random.nextBoolean()) {
						copy.removeAll();
					}
					else {
						copy.remove(pick(required, random));
					}
					text = JSON.writeValueAsString(copy);
				}
				else {
					query.clear();
				}
			}
			case CONTROL_CHARACTERS -> {
				String bad = pick(CONTROL, random);
				int where = random.nextInt(3);
				if (body != null && where == 0) {
					text = JSON.writeValueAsString(replaceLeaf(body, random, n -> NODES.stringNode(bad)));
				}
				else if (body instanceof ObjectNode object && where == 1) {
					var copy = object.deepCopy();
					copy.put("k" + bad, "v");
					text = JSON.writeValueAsString(copy);
				}
				else if (!query.isEmpty()) {
					query.put(pick(new ArrayList<>(query.keySet()), random), encode(bad));
				}
				else if (!pathValues.isEmpty()) {
					pathValues.put(pick(new ArrayList<>(pathValues.keySet()), random), encode(bad));
				}
				else {
					query.put("q", encode(bad));
				}
			}
			case BAD_QUERY_ENCODING -> {
				String name = query.isEmpty() || random.nextInt(4) == 0 ? "q"
						: pick(new ArrayList<>(query.keySet()), random);
				if (random.nextInt(5) == 0) {
					query.put(pick(BAD_ENCODINGS, random), "1");
				}
				else {
					query.put(name, pick(BAD_ENCODINGS, random));
				}
			}
			case BAD_PATH_ENCODING -> {
				if (!pathValues.isEmpty()) {
					pathValues.put(pick(new ArrayList<>(pathValues.keySet()), random), pick(BAD_ENCODINGS, random));
				}
				else {
					query.put("q", pick(BAD_ENCODINGS, random));
				}
			}
			case OVER_LONG -> {
				String longText = "x".repeat(1000 + random.nextInt(random.nextBoolean() ? 5_000 : 200_000));
				if (body != null && random.nextBoolean()) {
					text = JSON.writeValueAsString(replaceLeaf(body, random, n -> NODES.stringNode(longText)));
				}
				else if (!pathValues.isEmpty() && random.nextBoolean()) {
					pathValues.put(pick(new ArrayList<>(pathValues.keySet()), random),
							longText.substring(0, Math.min(longText.length(), 3000)));
				}
				else {
					String name = query.isEmpty() ? "q" : pick(new ArrayList<>(query.keySet()), random);
					query.put(name, longText.substring(0, Math.min(longText.length(), 6000)));
				}
			}
			case UNKNOWN_IDS -> pathValues.replaceAll((k, v) -> random.nextBoolean() ? UUID.randomUUID().toString()
					: "unknown-" + Integer.toHexString(random.nextInt()));
			case HUGE_NUMBER -> {
				String huge = pick(HUGE_NUMBERS, random);
				if (body != null) {
					var replaced = replaceLeaf(body, random, n -> NODES.stringNode("\u0001HUGE\u0001"));
					text = JSON.writeValueAsString(replaced).replace("\"\\u0001HUGE\\u0001\"", huge);
				}
				else if (!query.isEmpty()) {
					query.put(pick(new ArrayList<>(query.keySet()), random), huge);
				}
				else if (!pathValues.isEmpty()) {
					pathValues.put(pick(new ArrayList<>(pathValues.keySet()), random), huge);
				}
			}
			case BAD_ACCEPT -> headers.put("Accept",
					pick(List.of("foo", "text/csv", "application/json;q=x", "*/*;q=2", "application/", ";"), random));
		}

		String target = operation.path();
		for (var e : pathValues.entrySet()) {
			target = target.replace("{" + e.getKey() + "}", e.getValue());
		}
		if (!query.isEmpty()) {
			var joined = new StringBuilder();
			query.forEach((k, v) -> joined.append(joined.isEmpty() ? "?" : "&").append(k).append('=').append(v));
			target += joined;
		}
		if (target.startsWith("/v1/me")) {
			headers.put("Authorization", "Bearer " + userToken);
		}
		else if (!target.startsWith("/v1/auth/")) {
			headers.put("Authorization", "Bearer " + api.key());
		}
		return new Request(operation.method(), target, contentType, text, headers, mutation);
	}

	private List<JsonNode> parameters(Operation operation) {
		var parameters = new ArrayList<JsonNode>();
		operation.spec().path("parameters").forEach(p -> parameters.add(resolve(p)));
		return parameters;
	}

	private @Nullable JsonNode bodySchema(Operation operation) {
		var content = resolve(operation.spec().path("requestBody")).path("content");
		if (content.isMissingNode() || content.isEmpty()) {
			return null;
		}
		var json = content.has("application/json") ? content.path("application/json")
				: content.properties().iterator().next().getValue();
		return resolve(json.path("schema"));
	}

	private String pathValue(Operation operation, String name, JsonNode schema, Random random) {
		String path = operation.path();
		if (name.equals("id") && path.startsWith("/v1/customers/")) {
			return customer;
		}
		if (name.equals("key") && path.contains("/features/")) {
			return "api_calls";
		}
		if (name.equals("key")) {
			return random.nextBoolean() ? "pro" : "free";
		}
		if (name.equals("feature")) {
			return "api_calls";
		}
		return scalarText(name, schema, random);
	}

	private String scalarText(String name, JsonNode schema, Random random) {
		var node = value(name, schema, random, 3);
		return node.isString() ? node.asString() : node.toString();
	}

	/** A valid-ish value of {@code schema}: its shape, with plausible content. */
	private JsonNode value(String name, JsonNode schema, Random random, int depth) {
		schema = resolve(schema);
		for (String choice : List.of("oneOf", "anyOf", "allOf")) {
			if (schema.has(choice) && !schema.path(choice).isEmpty()) {
				return value(name, schema.path(choice).get(random.nextInt(schema.path(choice).size())), random, depth);
			}
		}
		if (schema.has("enum") && !schema.path("enum").isEmpty()) {
			return schema.path("enum").get(random.nextInt(schema.path("enum").size()));
		}
		String type = schema.path("type").asString("");
		if (type.isEmpty() && schema.path("types").isArray() && !schema.path("types").isEmpty()) {
			type = schema.path("types").get(0).asString();
		}
		if (type.isEmpty()) {
			type = schema.has("properties") ? "object"
					: schema.has("items") ? "array" : depth > 0 ? "string" : "object";
		}
		switch (type) {
			case "object" -> {
				var object = NODES.objectNode();
				if (depth > 3) {
					return object;
				}
				var required = schema.path("required").valueStream().map(JsonNode::asString).toList();
				schema.path("properties").properties().forEach(p -> {
					if (required.contains(p.getKey()) || random.nextInt(3) > 0) {
						object.set(p.getKey(), value(p.getKey(), p.getValue(), random, depth + 1));
					}
				});
				if (schema.path("additionalProperties").isObject() && random.nextBoolean()) {
					object.set("k" + random.nextInt(100),
							value("value", schema.path("additionalProperties"), random, depth + 1));
				}
				return object;
			}
			case "array" -> {
				var array = NODES.arrayNode();
				int n = depth > 3 ? 0 : 1 + random.nextInt(2);
				for (int i = 0; i < n; i++) {
					array.add(value(name, schema.path("items"), random, depth + 1));
				}
				return array;
			}
			case "integer" -> {
				long min = schema.path("minimum").asLong(0);
				long max = Math.max(min, schema.path("maximum").asLong(min + 20));
				return NODES.numberNode(min + (long) (random.nextDouble() * (max - min)));
			}
			case "number" -> {
				return NODES.numberNode(Math.round(random.nextDouble() * 1000) / 10.0);
			}
			case "boolean" -> {
				return NODES.booleanNode(random.nextBoolean());
			}
			default -> {
				return NODES.stringNode(text(name, schema, random));
			}
		}
	}

	private String text(String name, JsonNode schema, Random random) {
		String format = schema.path("format").asString("");
		switch (format) {
			case "uuid" -> {
				return UUID.randomUUID().toString();
			}
			case "date-time" -> {
				return Instant.now().plusSeconds(random.nextInt(100_000)).toString();
			}
			case "email" -> {
				return "fuzz" + random.nextInt(1000) + "@example.com";
			}
			default -> {
			}
		}
		String lower = name.toLowerCase();
		if (lower.equals("customerid") || lower.equals("customer")) {
			return customer;
		}
		if (lower.equals("feature") || lower.endsWith("feature")) {
			return "api_calls";
		}
		if (lower.equals("plan") || lower.endsWith("plankey") || lower.equals("plankey")) {
			return "pro";
		}
		if (lower.contains("email")) {
			return "fuzz" + random.nextInt(1000) + "@example.com";
		}
		return "fz" + Integer.toString(random.nextInt(100_000), 36) + (random.nextInt(4) == 0 ? " word\tand more" : "");
	}

	private static JsonNode wrongTyped(JsonNode node, Random random) {
		if (node.isString()) {
			return random.nextBoolean() ? NODES.numberNode(42) : NODES.arrayNode().add(node);
		}
		if (node.isNumber()) {
			return random.nextBoolean() ? NODES.stringNode("forty-two") : NODES.booleanNode(true);
		}
		if (node.isBoolean()) {
			return NODES.stringNode("yes");
		}
		if (node.isObject()) {
			return NODES.arrayNode().add(1);
		}
		if (node.isArray()) {
			return NODES.objectNode().put("a", 1);
		}
		return NODES.numberNode(1);
	}

	/** A copy of {@code body} with one leaf (or the body itself) replaced. */
	private static JsonNode replaceLeaf(JsonNode body, Random random, UnaryOperator<JsonNode> how) {
		var copy = body.deepCopy();
		var containers = new ArrayList<JsonNode>();
		collect(copy, containers);
		if (containers.isEmpty()) {
			return how.apply(copy);
		}
		var container = pick(containers, random);
		if (container instanceof ObjectNode object) {
			var names = object.propertyNames().stream().toList();
			String name = pick(names, random);
			object.set(name, how.apply(object.get(name)));
		}
		else if (container instanceof ArrayNode array) {
			int i = random.nextInt(array.size());
			array.set(i, how.apply(array.get(i)));
		}
		return copy;
	}

	private static void collect(JsonNode node, List<JsonNode> containers) {
		if (node.isContainer() && !node.isEmpty()) {
			containers.add(node);
			node.values().forEach(child -> collect(child, containers));
		}
	}

	private JsonNode resolve(JsonNode node) {
		var seen = 0;
		while (node.has("$ref") && seen++ < 20) {
			String ref = node.path("$ref").asString();
			node = docs.at(ref.substring(1));
		}
		return node;
	}

	private static String encode(String value) {
		return Api.encode(value);
	}

	private static <T> T pick(List<T> values, Random random) {
		return values.get(random.nextInt(values.size()));
	}

	// sending and observing

	private Answer send(Request request) {
		var builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + request.target()))
			.timeout(Duration.ofSeconds(20))
			.method(request.method(), request.body() == null ? HttpRequest.BodyPublishers.noBody()
					: HttpRequest.BodyPublishers.ofString(request.body(), StandardCharsets.UTF_8));
		if (request.contentType() != null) {
			builder.header("Content-Type", request.contentType());
		}
		request.headers().forEach(builder::header);
		try {
			var response = http.send(builder.build(), HttpResponse.BodyHandlers.ofInputStream());
			try (InputStream in = response.body()) {
				// a live event stream never ends: its headers are all there is to check
				boolean stream = response.headers()
					.firstValue("Content-Type")
					.orElse("")
					.startsWith("text/event-stream");
				String text = stream ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
				return new Answer(response.statusCode(), text, response);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(request + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** Row counts of the main tables, and the fuzzed customer as the API shows it. */
	private Map<String, Object> snapshot() {
		var state = new LinkedHashMap<String, Object>();
		for (String table : TABLES) {
			state.put(table, jdbc.sql("select count(*) from " + table).query(Long.class).single());
		}
		state.put("customer " + customer, api.get("/v1/customers/" + Api.encode(customer)).text());
		state.put("overrides", api.get("/v1/customers/" + Api.encode(customer) + "/overrides").text());
		return state;
	}

	private static String difference(Map<String, Object> before, Map<String, Object> after) {
		var changed = new ArrayList<String>();
		before.forEach((k, v) -> {
			if (!v.equals(after.get(k))) {
				changed.add(k + ": " + v + " → " + after.get(k));
			}
		});
		return String.join("; ", changed);
	}

}
